// ms17-010: the PeekNamedPipe-on-FID-0 check, exactly as nmap's smb-vuln-ms17-010 and
// Metasploit send it (docs/smb-detection.md §5): null session → IPC$ → TRANSACTION
// TRANS_PEEK_NMPIPE FID 0, on every open SMB port (445 and, over NetBIOS, 139; §7.1).
//
// Only the status of the TRANSACTION reply decides (§5.3, §8.1 rules 1–2):
// vulnerable      NT 0xC0000205 STATUS_INSUFF_SERVER_RESOURCES (the patch is missing).
// not-vulnerable  NT 0xC0000008 STATUS_INVALID_HANDLE or 0xC0000022 STATUS_ACCESS_DENIED on that
//                 reply; or a positive non-Windows identification (Samba: NativeLanMan "Samba…" or
//                 CAP_UNIX), since MS17-010 is a Windows srv.sys bug — but only once SMB1 spoke.
// unknown         every other status, a DOS-form status, wrong command/MID, reset/timeout at the
//                 transaction; and every stop before it: smb1-disabled (SMB1 off hides the
//                 exploit path, yet the patch state stays unknown, §5.4), smb1-refused,
//                 auth-refused:<status>, server-busy, ipc-refused:<status>, port-closed, timeout…

import { dataOf, sambaTellNotesSmb1 } from './host-facts.js';
import { notApplicable, openPortsOf, result } from './result.js';
import { chainStop, smb1Evidence } from './smb-common.js';
import type { Check, CheckMeta } from './types.js';

export const MS17_010_META: CheckMeta = {
  id: 'ms17-010',
  title: { en: 'MS17-010 (EternalBlue) security update missing', id: 'Pembaruan keamanan MS17-010 (EternalBlue) belum terpasang' },
  description: {
    en: 'The SMBv1 server answers like an unpatched Windows srv.sys (STATUS_INSUFF_SERVER_RESOURCES to PeekNamedPipe on FID 0). Such a host can be taken over remotely without credentials by EternalBlue, the exploit WannaCry and NotPetya spread with.',
    id: 'Server SMBv1 menjawab seperti srv.sys Windows yang belum ditambal (STATUS_INSUFF_SERVER_RESOURCES untuk PeekNamedPipe pada FID 0). Komputer seperti ini dapat diambil alih dari jarak jauh tanpa kredensial oleh EternalBlue, eksploit yang dipakai WannaCry dan NotPetya untuk menyebar.',
  },
  severity: 'critical',
  categories: ['safe', 'vuln'],
  tags: ['smb', 'ransomware'],
  cve: ['CVE-2017-0143', 'CVE-2017-0144', 'CVE-2017-0145', 'CVE-2017-0146', 'CVE-2017-0147', 'CVE-2017-0148'],
  references: [
    'https://learn.microsoft.com/en-us/security-updates/securitybulletins/2017/ms17-010',
    'https://support.microsoft.com/help/4013389',
    'https://support.microsoft.com/help/4023262',
    'https://nmap.org/nsedoc/scripts/smb-vuln-ms17-010.html',
  ],
  remediation: {
    en:
      'Install the MS17-010 security update or any later cumulative update, then restart (the fix is not active before the reboot): ' +
      'KB4012212/KB4012215 for Windows 7 SP1 and Server 2008 R2 SP1, KB4012213/KB4012216 for Windows 8.1 and Server 2012 R2, ' +
      'KB4012214/KB4012217 for Server 2012, KB4012598 for Windows XP, Server 2003, Vista, Server 2008 and Windows 8, ' +
      'KB4012606/KB4013198/KB4013429 for Windows 10 1507/1511/1607 and Server 2016. Until then disable SMBv1 and block TCP 139/445 between network segments.',
    id:
      'Pasang pembaruan keamanan MS17-010 atau pembaruan kumulatif yang lebih baru, lalu mulai ulang komputer (perbaikan belum aktif sebelum dimulai ulang): ' +
      'KB4012212/KB4012215 untuk Windows 7 SP1 dan Server 2008 R2 SP1, KB4012213/KB4012216 untuk Windows 8.1 dan Server 2012 R2, ' +
      'KB4012214/KB4012217 untuk Server 2012, KB4012598 untuk Windows XP, Server 2003, Vista, Server 2008, dan Windows 8, ' +
      'KB4012606/KB4013198/KB4013429 untuk Windows 10 versi 1507/1511/1607 dan Server 2016. Sampai pembaruan terpasang, nonaktifkan SMBv1 dan blokir port TCP 139/445 antarsegmen jaringan.',
  },
  ports: [445, 139],
  scope: 'port',
};

const INSUFF = 0xc0000205;
const INVALID_HANDLE = 0xc0000008;
const ACCESS_DENIED = 0xc0000022;

export const ms17010Check: Check = {
  meta: MS17_010_META,
  needs: { smb1: 'peek', smb2: true },
  evaluate(e, facts) {
    const ports = openPortsOf(MS17_010_META, e);
    if (ports.length === 0) return [notApplicable(MS17_010_META, e)];
    return ports.map((port) => {
      const o = e.smb1.get(port);
      if (o === undefined) return result(MS17_010_META, port, 'unknown', 'not-probed', 'the SMB1 conversation did not run on this port', {});
      const d = dataOf(o);
      const ev = smb1Evidence(o);
      if (facts.os) ev.os = { name: facts.os.name, family: facts.os.family, ...(facts.os.build !== undefined ? { build: facts.os.build } : {}) };
      const samba = sambaTellNotesSmb1(d);
      if (samba.length > 0) {
        ev.sambaTells = samba.map((t) => t.text);
        ev.sambaTellCodes = samba.map((t) => t.note);
      }
      const pk = d?.peek;
      if (pk) {
        ev.transaction = {
          status: pk.status.code,
          ...(pk.status.name ? { statusName: pk.status.name } : {}),
          form: pk.status.form,
          mid: pk.mid,
          requestHex: pk.requestHex,
          responseHex: pk.responseHex,
        };
        const code = pk.status.form === 'nt' ? pk.status.ntCode : undefined;
        if (samba.length > 0 && code !== INVALID_HANDLE && code !== ACCESS_DENIED) {
          return result(MS17_010_META, port, 'not-vulnerable', 'non-windows:samba',
            `the server is Samba (${samba.join('; ')}), which does not have the Windows srv.sys bug; its ${pk.status.code} answer is not a patch signal`, ev);
        }
        if (code === INSUFF) {
          return result(MS17_010_META, port, 'vulnerable', 'insuff-server-resources',
            'PeekNamedPipe on FID 0 was answered with 0xC0000205 STATUS_INSUFF_SERVER_RESOURCES: the MS17-010 update is missing', ev);
        }
        if (code === INVALID_HANDLE || code === ACCESS_DENIED) {
          return result(MS17_010_META, port, 'not-vulnerable', code === INVALID_HANDLE ? 'patched:invalid-handle' : 'patched:access-denied',
            `PeekNamedPipe on FID 0 was answered with ${pk.status.code}${pk.status.name ? ` ${pk.status.name}` : ''}: the patched answer`, ev);
        }
        if (pk.status.form === 'dos') {
          return result(MS17_010_META, port, 'unknown', 'protocol-error', `the transaction was answered with a DOS-form error (${pk.status.code}), which says nothing about the patch`, ev);
        }
        return result(MS17_010_META, port, 'unknown', `unexpected-status:${pk.status.code}`,
          `PeekNamedPipe on FID 0 was answered with ${pk.status.code}${pk.status.name ? ` ${pk.status.name}` : ''}, which is neither the patched nor the unpatched answer`, ev);
      }
      const why = chainStop(e, port, o);
      if (samba.length > 0 && d?.negotiate?.kind === 'nt-lm-0.12') {
        return result(MS17_010_META, port, 'not-vulnerable', 'non-windows:samba',
          `the server is Samba (${samba.join('; ')}), which does not have the Windows srv.sys bug (the check itself stopped: ${why.reasonCode})`, ev);
      }
      return result(MS17_010_META, port, 'unknown', why.reasonCode, why.reason, ev);
    });
  },
};
