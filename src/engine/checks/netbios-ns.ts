// netbios-ns: does the host answer NetBIOS node status queries on UDP 137? (docs/smb-detection.md
// §7.3): names, workgroup, logged-on users on older Windows and the MAC leak to anyone who asks,
// and NBNS invites name poisoning. Queried only on hosts with a Windows/SMB port open (135, 139,
// 445) or when the check is selected by id.
//
// vulnerable      an NBSTAT answer arrived.
// not-vulnerable  ICMP port unreachable (nothing listens on UDP 137).
// unknown         no answer before the deadline (filtered or dropped), malformed answer.

import { notApplicable, result } from './result.js';
import type { Check, CheckMeta } from './types.js';

export const NETBIOS_NS_META: CheckMeta = {
  id: 'netbios-ns',
  title: { en: 'NetBIOS name service exposed', id: 'Layanan nama NetBIOS (UDP 137) terbuka' },
  description: {
    en: 'The host answers NetBIOS node-status queries on UDP 137, giving away its names, workgroup or domain, sometimes the logged-on user, and its MAC address; NetBIOS name resolution can also be poisoned to capture credentials.',
    id: 'Komputer ini menjawab kueri status NetBIOS di UDP 137 sehingga membocorkan nama komputer, workgroup atau domain, terkadang nama pengguna yang sedang masuk, serta alamat MAC; resolusi nama NetBIOS juga dapat diracuni (poisoning) untuk mencuri kredensial.',
  },
  severity: 'low',
  categories: ['safe', 'discovery'],
  tags: ['netbios', 'smb', 'ransomware'],
  cve: [],
  references: [
    'https://www.rfc-editor.org/rfc/rfc1002#section-4.2.18',
    'https://learn.microsoft.com/en-us/troubleshoot/windows-server/networking/disable-netbios-tcp-ip-using-dhcp',
  ],
  remediation: {
    en:
      "Disable NetBIOS over TCP/IP where it is not needed (adapter IPv4 properties → Advanced → WINS → 'Disable NetBIOS over TCP/IP', or DHCP option 001), " +
      'and block UDP 137–138 and TCP 139 between network segments.',
    id:
      "Nonaktifkan NetBIOS over TCP/IP bila tidak dibutuhkan (properti IPv4 adaptor → Advanced → WINS → 'Disable NetBIOS over TCP/IP', atau opsi DHCP 001), " +
      'dan blokir UDP 137–138 serta TCP 139 antarsegmen jaringan.',
  },
  ports: [137],
  udp: true,
  scope: 'host',
};

export const netbiosNsCheck: Check = {
  meta: NETBIOS_NS_META,
  needs: { nbns: true },
  evaluate(e, facts) {
    const o = e.nbns;
    if (!o) {
      return [{ ...notApplicable(NETBIOS_NS_META, e), reason: 'UDP 137 was not queried: no Windows/SMB port (135, 139, 445) is open on this host' }];
    }
    if (o.status === 'success') {
      const nb = facts.netbios;
      return [
        result(NETBIOS_NS_META, 137, 'vulnerable', 'nbns-answers',
          `UDP 137 answered a node status query (${o.data.names.length} names${nb?.computerName ? `, computer ${nb.computerName}` : ''}${nb?.workgroup ? `, workgroup ${nb.workgroup}` : ''})`,
          { ...(nb ?? {}), rttMs: o.data.rttMs, responseHex: o.data.responseHex }),
      ];
    }
    if (o.status === 'connection-refused') {
      return [result(NETBIOS_NS_META, 137, 'not-vulnerable', 'udp-137-closed', 'UDP 137 answered ICMP port unreachable: no NetBIOS name service', { error: o.error })];
    }
    const code = o.status === 'io-timeout' ? 'no-answer' : o.status;
    return [result(NETBIOS_NS_META, 137, 'unknown', code, `no usable NBSTAT answer: ${o.status} (${o.error})`, { status: o.status, error: o.error })];
  },
};
