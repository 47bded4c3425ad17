// doublepulsar: the DoublePulsar implant ping (docs/smb-detection.md §6): TRANSACTION2
// SESSION_SETUP with Timeout 0x00A4D9A6 (opcode 0x23 = ping, the only opcode ever sent) and MID 65,
// on the null session and IPC$ tree of the ms17-010 conversation, on every open SMB port.
//
// vulnerable      the TRANSACTION2 reply has MID = request MID + 16 (65 → 81): the implant
//                 answered; arch from sig2 (0 = x86), XOR key from sig1 (Metasploit's 32-bit formula).
// not-vulnerable  the TRANSACTION2 reply echoes MID 65 unchanged (§8.1 rule 3; the status does not
//                 matter: clean and infected Windows both say NOT_IMPLEMENTED, Samba ACCESS_DENIED).
// unknown         any other MID (`mid-mismatch`), another command, no reply, reset; and everything
//                 that kept the ping from being sent (SMB1 off, logon or IPC$ refused…, §6.3).

import { dataOf } from './host-facts.js';
import { notApplicable, openPortsOf, result } from './result.js';
import { chainStop, smb1Evidence } from './smb-common.js';
import type { Check, CheckMeta } from './types.js';

export const DOUBLEPULSAR_META: CheckMeta = {
  id: 'doublepulsar',
  title: { en: 'DoublePulsar backdoor detected', id: 'Pintu belakang (backdoor) DoublePulsar terdeteksi' },
  description: {
    en: 'The SMB server answered the DoublePulsar ping the way the implant does (multiplex ID + 16). The host is compromised: the NSA implant installed by EternalBlue/WannaCry lets an attacker run code in the kernel.',
    id: 'Server SMB menjawab ping DoublePulsar seperti implan tersebut (ID multipleks + 16). Komputer ini sudah disusupi: implan NSA yang dipasang oleh EternalBlue/WannaCry memungkinkan penyerang menjalankan kode di kernel.',
  },
  severity: 'critical',
  categories: ['safe', 'vuln', 'malware'],
  tags: ['smb', 'ransomware'],
  cve: ['CVE-2017-0143', 'CVE-2017-0144', 'CVE-2017-0145', 'CVE-2017-0146', 'CVE-2017-0147', 'CVE-2017-0148'],
  references: [
    'https://github.com/countercept/doublepulsar-detection-script',
    'https://nmap.org/nsedoc/scripts/smb-double-pulsar-backdoor.html',
    'https://zerosum0x0.blogspot.com/2017/04/doublepulsar-initial-smb-backdoor-ring.html',
  ],
  remediation: {
    en:
      'Treat the host as compromised: disconnect it from the network now, report the incident to the IT office/CSIRT and keep evidence. ' +
      'Rebuild it from clean media (a restart removes the in-memory implant, not what was installed through it), install MS17-010 and disable SMBv1 before it goes back on the network. ' +
      'Check every other host in the same network segment.',
    id:
      'Anggap komputer ini sudah disusupi: segera putuskan dari jaringan, laporkan insiden ke Diskominfo/CSIRT, dan amankan bukti. ' +
      'Pasang ulang sistem dari media yang bersih (memulai ulang komputer hanya menghapus implan di memori, bukan program yang sudah dipasang melaluinya), pasang pembaruan MS17-010, dan nonaktifkan SMBv1 sebelum komputer disambungkan kembali ke jaringan. ' +
      'Periksa semua komputer lain di segmen jaringan yang sama.',
  },
  ports: [445, 139],
  scope: 'port',
};

export const doublepulsarCheck: Check = {
  meta: DOUBLEPULSAR_META,
  needs: { smb1: 'ping', smb2: true },
  evaluate(e) {
    const ports = openPortsOf(DOUBLEPULSAR_META, e);
    if (ports.length === 0) return [notApplicable(DOUBLEPULSAR_META, e)];
    return ports.map((port) => {
      const o = e.smb1.get(port);
      if (o === undefined) return result(DOUBLEPULSAR_META, port, 'unknown', 'not-probed', 'the SMB1 conversation did not run on this port', {});
      const d = dataOf(o);
      const ev = smb1Evidence(o);
      const p = d?.ping;
      if (p) {
        ev.ping = {
          requestMid: p.requestMid,
          mid: p.mid,
          midDelta: p.midDelta,
          status: p.status.code,
          ...(p.status.name ? { statusName: p.status.name } : {}),
          sig1: p.sig1Hex,
          sig2: p.sig2Hex,
          requestHex: p.requestHex,
          responseHex: p.responseHex,
        };
        if (p.midDelta === 16 && p.implant) {
          ev.implant = { arch: p.implant.arch, xorKey: p.implant.xorKey };
          return result(DOUBLEPULSAR_META, port, 'vulnerable', 'implant-answered',
            `the ping (MID ${p.requestMid}) was answered with MID ${p.mid} (+16): DoublePulsar is installed (${p.implant.arch}, XOR key ${p.implant.xorKey})`, ev);
        }
        if (p.midDelta === 0) {
          return result(DOUBLEPULSAR_META, port, 'not-vulnerable', 'mid-unchanged',
            `the ping was answered with MID ${p.mid} unchanged (${p.status.code}${p.status.name ? ` ${p.status.name}` : ''}): no implant answered`, ev);
        }
        return result(DOUBLEPULSAR_META, port, 'unknown', 'mid-mismatch', `the ping (MID ${p.requestMid}) was answered with MID ${p.mid}, neither unchanged nor +16`, ev);
      }
      if (d?.peek && o.status !== 'success') {
        const code = o.status === 'io-timeout' ? 'timeout' : o.status === 'connection-closed' ? 'reset-at-ping' : o.status;
        return result(DOUBLEPULSAR_META, port, 'unknown', code, `the ping got no usable reply: ${o.status} (${o.error})`, ev);
      }
      const why = chainStop(e, port, o);
      return result(DOUBLEPULSAR_META, port, 'unknown', why.reasonCode, `the ping could not be sent: ${why.reason}`, ev);
    });
  },
};
