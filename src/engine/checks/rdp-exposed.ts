// rdp-exposed: does TCP 3389 answer as RDP? (docs/smb-detection.md §7.4; exposure only.)
//
// vulnerable      an X.224 Connection Confirm (with or without RDP_NEG_RSP/RDP_NEG_FAILURE), or an
//                 X.224 Disconnect Request (the RDP transport answered and refused); evidence:
//                 selected protocol, whether NLA is enforced (a second request offering TLS only).
// not-vulnerable  3389 answered RST in the port scan (RDP not reachable from the scanner).
// unknown         port open but silent until the deadline (e.g. a firewall that accepts and drops),
//                 garbage/non-RDP answer, reset, connection refused now although the scan said open.

import { dataOf } from './host-facts.js';
import { allClosed, notApplicable, openPortsOf, result } from './result.js';
import type { Check, CheckMeta } from './types.js';

export const RDP_EXPOSED_META: CheckMeta = {
  id: 'rdp-exposed',
  title: { en: 'RDP exposed', id: 'Layanan RDP terbuka' },
  description: {
    en: 'Remote Desktop answers on TCP 3389. Exposed RDP is a main ransomware entry point (password guessing, BlueKeep CVE-2019-0708 on Windows 7 / Server 2008 R2 and older); the 2017 guidance was to block 3389 with 139/445.',
    id: 'Remote Desktop menjawab di TCP 3389. RDP yang terbuka adalah pintu masuk utama ransomware (penebakan kata sandi, BlueKeep CVE-2019-0708 pada Windows 7 / Server 2008 R2 dan yang lebih lama); imbauan 2017 meminta port 3389 diblokir bersama 139/445.',
  },
  severity: 'medium',
  categories: ['safe', 'discovery'],
  tags: ['rdp', 'ransomware'],
  cve: [],
  references: [
    'https://learn.microsoft.com/en-us/openspecs/windows_protocols/ms-rdpbcgr/18a27ef9-6f9a-4501-b000-94b1fe3c2c10',
    'https://learn.microsoft.com/en-us/windows-server/remote/remote-desktop-services/clients/remote-desktop-allow-access',
    'https://msrc.microsoft.com/update-guide/vulnerability/CVE-2019-0708',
  ],
  remediation: {
    en:
      'Do not expose RDP (TCP 3389) beyond the management network: block it at the firewall and allow it only through a VPN or a jump host. ' +
      'Require Network Level Authentication (NLA), keep the host patched (BlueKeep, CVE-2019-0708, on Windows 7 / Server 2008 R2 and older), ' +
      'and use strong passwords with account lockout.',
    id:
      'Jangan buka RDP (TCP 3389) di luar jaringan manajemen: blokir di firewall dan izinkan hanya melalui VPN atau jump host. ' +
      'Wajibkan Network Level Authentication (NLA), pastikan pembaruan keamanan terpasang (BlueKeep, CVE-2019-0708, pada Windows 7 / Server 2008 R2 dan yang lebih lama), ' +
      'serta gunakan kata sandi yang kuat dengan penguncian akun.',
  },
  ports: [3389],
  scope: 'port',
};

export const rdpExposedCheck: Check = {
  meta: RDP_EXPOSED_META,
  needs: { rdp: true },
  evaluate(e, facts) {
    if (openPortsOf(RDP_EXPOSED_META, e).length === 0) {
      if (allClosed(RDP_EXPOSED_META, e)) {
        return [result(RDP_EXPOSED_META, 3389, 'not-vulnerable', 'port-closed', 'RDP is not reachable from the scanner: TCP 3389 answered RST in the port scan', { closedPorts: [3389] })];
      }
      return [notApplicable(RDP_EXPOSED_META, e)];
    }
    const o = e.rdp;
    const d = dataOf(o);
    const port = d?.port ?? 3389;
    if (!o) return [result(RDP_EXPOSED_META, port, 'unknown', 'not-probed', 'the RDP probe did not run', {})];
    const ev: Record<string, unknown> = {
      requestedProtocols: `0x${(d?.requestedProtocols ?? 0).toString(16).padStart(8, '0')}`,
      ...(d?.answer ? { answer: d.answer } : {}),
      ...(d?.selectedProtocolName ? { selectedProtocol: d.selectedProtocolName } : {}),
      ...(d?.failureName ? { negotiationFailure: d.failureName } : {}),
      ...(d?.bareConfirm ? { bareConfirm: true } : {}),
      ...(d?.responseHex ? { responseHex: d.responseHex } : {}),
      ...(facts.rdp?.nlaRequired !== undefined ? { nlaRequired: facts.rdp.nlaRequired } : {}),
      ...(e.rdpNla ? { nlaProbe: e.rdpNla.status === 'success' ? { answer: e.rdpNla.data.answer, selectedProtocol: e.rdpNla.data.selectedProtocolName, failure: e.rdpNla.data.failureName } : { status: e.rdpNla.status, error: e.rdpNla.error } } : {}),
    };
    if (o.status === 'success' && d?.answer === 'connection-confirm') {
      const nla = facts.rdp?.nlaRequired;
      const how = d.bareConfirm
        ? 'a bare X.224 Connection Confirm (pre-Vista server, standard RDP security)'
        : d.selectedProtocolName
          ? `an X.224 Connection Confirm selecting ${d.selectedProtocolName}`
          : `an X.224 Connection Confirm with negotiation failure ${d.failureName ?? '?'}`;
      const nlaText = nla === true ? '; NLA is enforced' : nla === false ? '; NLA is NOT enforced' : '';
      return [result(RDP_EXPOSED_META, port, 'vulnerable', 'rdp-answers', `RDP answers on TCP ${port} with ${how}${nlaText}`, ev)];
    }
    if (o.status === 'success' && d?.answer === 'disconnect-request') {
      return [result(RDP_EXPOSED_META, port, 'vulnerable', 'x224-answers', `TCP ${port} answers with an X.224 Disconnect Request: the RDP transport is reachable but refused this connection`, ev)];
    }
    if (o.status === 'success') return [result(RDP_EXPOSED_META, port, 'unknown', 'no-rdp-answer', 'no RDP answer', ev)];
    ev.failure = { status: o.status, step: o.step, error: o.error };
    switch (o.status) {
      case 'io-timeout':
        return [result(RDP_EXPOSED_META, port, 'unknown', 'no-rdp-answer', `TCP ${port} accepted the connection but sent no RDP answer before the deadline (firewall or proxy that accepts and drops?)`, ev)];
      case 'connection-refused':
        return [result(RDP_EXPOSED_META, port, 'unknown', 'port-closed', `TCP ${port} refused the connection now, although the port scan saw it open`, ev)];
      case 'connection-timeout':
        return [result(RDP_EXPOSED_META, port, 'unknown', 'port-filtered', `TCP ${port} did not complete the handshake`, ev)];
      case 'protocol-error':
        return [result(RDP_EXPOSED_META, port, 'unknown', 'not-rdp', `TCP ${port} answered with something that is not RDP (${o.error})`, ev)];
      default:
        return [result(RDP_EXPOSED_META, port, 'unknown', o.status, `the RDP probe failed: ${o.status} (${o.error})`, ev)];
    }
  },
};
