// smbv1: is SMB version 1 (NT LM 0.12) offered? One result per open SMB port (445, 139), from an
// SMB1-only NEGOTIATE on its own connection (docs/smb-detection.md §3.7 step 1: a multi-protocol
// negotiate cannot prove SMBv1, so it is never used for this verdict).
//
// vulnerable      WordCount 17 (NT LM 0.12) or a LANMAN/core answer: SMBv1 is accepted.
// not-vulnerable  WordCount 1 with DialectIndex 0xFFFF (the server said no), or RST/FIN on the
//                 SMB1 NEGOTIATE while SMB2 works on another connection (Windows with SMBv1 off);
//                 or both 445 and 139 answered RST in the port scan (SMB not reachable).
// unknown         RST/FIN with SMB2 failing too, SMB2 answer to an SMB1-only list, timeout,
//                 garbage, NetBIOS session refused, port not open.

import { dataOf, smb1PortState } from './host-facts.js';
import { allClosed, notApplicable, openPortsOf, result } from './result.js';
import { smb1Evidence } from './smb-common.js';
import type { Check, CheckMeta } from './types.js';

export const SMBV1_META: CheckMeta = {
  id: 'smbv1',
  title: { en: 'SMBv1 enabled', id: 'SMBv1 aktif' },
  description: {
    en: 'The host accepts SMB version 1, the protocol EternalBlue (MS17-010), WannaCry, NotPetya and DoublePulsar use. SMBv1 is obsolete and should be off on every host.',
    id: 'Komputer ini menerima SMB versi 1, protokol yang dipakai EternalBlue (MS17-010), WannaCry, NotPetya, dan DoublePulsar. SMBv1 sudah usang dan seharusnya dinonaktifkan di semua komputer.',
  },
  severity: 'high',
  categories: ['safe', 'vuln', 'discovery', 'default'],
  tags: ['smb', 'ransomware'],
  cve: [],
  references: [
    'https://learn.microsoft.com/en-us/windows-server/storage/file-server/troubleshoot/detect-enable-and-disable-smbv1-v2-v3',
    'https://techcommunity.microsoft.com/t5/storage-at-microsoft/stop-using-smb1/ba-p/425858',
    'https://support.microsoft.com/help/2696547',
  ],
  remediation: {
    en:
      'Disable the SMBv1 server. Windows 8.1 / Server 2012 R2 and later: run `Set-SmbServerConfiguration -EnableSMB1Protocol $false` ' +
      "(or remove the 'SMB 1.0/CIFS File Sharing Support' feature). Windows 7 / Server 2008 R2: set the registry value " +
      'HKLM\\SYSTEM\\CurrentControlSet\\Services\\LanmanServer\\Parameters\\SMB1 (DWORD) to 0 and restart (KB2696547). ' +
      'Samba: set `server min protocol = SMB2_02`. Hosts that speak only SMBv1 (Windows XP / Server 2003) must be isolated or replaced. ' +
      'Block TCP 139 and 445 between network segments and at the Internet edge.',
    id:
      'Nonaktifkan SMBv1 di sisi server. Windows 8.1 / Server 2012 R2 ke atas: jalankan `Set-SmbServerConfiguration -EnableSMB1Protocol $false` ' +
      "(atau hapus fitur 'SMB 1.0/CIFS File Sharing Support'). Windows 7 / Server 2008 R2: ubah nilai registri " +
      'HKLM\\SYSTEM\\CurrentControlSet\\Services\\LanmanServer\\Parameters\\SMB1 (DWORD) menjadi 0, lalu mulai ulang komputer (KB2696547). ' +
      'Samba: atur `server min protocol = SMB2_02`. Komputer yang hanya mendukung SMBv1 (Windows XP / Server 2003) harus diisolasi atau diganti. ' +
      'Blokir port TCP 139 dan 445 antarsegmen jaringan dan di batas Internet.',
  },
  ports: [445, 139],
  scope: 'port',
};

export const smbv1Check: Check = {
  meta: SMBV1_META,
  needs: { smb1: 'negotiate', smb2: true },
  evaluate(e) {
    const ports = openPortsOf(SMBV1_META, e);
    if (ports.length === 0) {
      if (allClosed(SMBV1_META, e)) {
        return [
          result(SMBV1_META, undefined, 'not-vulnerable', 'smb-not-reachable', 'SMB is not reachable from the scanner: TCP 445 and 139 both answered RST in the port scan', {
            closedPorts: [445, 139],
          }),
        ];
      }
      return [notApplicable(SMBV1_META, e)];
    }
    return ports.map((port) => {
      const s = smb1PortState(e, port);
      const o = e.smb1.get(port);
      const ev = smb1Evidence(o);
      if (s.state === 'disabled' && dataOf(o)?.negotiate === undefined) {
        const s2 = dataOf(e.smb2)?.negotiate;
        ev.smb2 = s2 ? { dialect: s2.dialect, port: dataOf(e.smb2)?.port } : { multiProtocol: dataOf(e.smb1Ntlm)?.answer };
      }
      const state = s.state === 'enabled' ? 'vulnerable' : s.state === 'disabled' ? 'not-vulnerable' : 'unknown';
      return result(SMBV1_META, port, state, s.reasonCode, s.reason, ev);
    });
  },
};
