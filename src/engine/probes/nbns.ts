// NetBIOS node status (NBSTAT) probe on UDP 137 (docs/smb-detection.md §7.3): the host's NetBIOS
// names (computer, workgroup/domain, file-server <20> name used for the session request on 139,
// logged-on users on older Windows) and the unit id (MAC). One query, one retransmission.

import { randomInt } from 'node:crypto';
import { decodeNbstatResponse, encodeNbstatQuery, NBNS_PORT, type NbstatName } from './nbns-codec.js';
import { evidenceHex, type ProbeOutcome } from './outcome.js';
import type { UdpExchange } from './udp.js';

export interface NetbiosNameFacts {
  readonly name: string;
  /** `0x20` */
  readonly suffix: string;
  readonly group: boolean;
  readonly nodeType: string;
  readonly active: boolean;
  /** What the suffix usually means (MS-NBTE/KB163409): workstation, file-server, workgroup… */
  readonly role: string;
}

export interface NbstatData {
  readonly names: readonly NetbiosNameFacts[];
  /** Unique <00>. */
  readonly computerName?: string;
  /** Group <00>. */
  readonly workgroup?: string;
  /** Unique <20>: the name for the NetBIOS session request on 139 (§1.2). */
  readonly fileServerName?: string;
  /** Unique <03> names other than the computer name (older Windows register the logged-on user). */
  readonly users: readonly string[];
  /** Group <1C>: the host is a domain controller of this domain. */
  readonly domainControllerOf?: string;
  readonly masterBrowser: boolean;
  /** Unit id as aa:bb:cc:dd:ee:ff (Samba sends zeros). */
  readonly mac?: string;
  readonly rttMs: number;
  readonly responseHex: string;
}

function role(n: NbstatName): string {
  switch (n.suffix) {
    case 0x00:
      return n.group ? 'workgroup/domain' : 'workstation';
    case 0x01:
      return n.name.includes('__MSBROWSE__') ? 'master-browser' : 'other';
    case 0x03:
      return 'messenger';
    case 0x1b:
      return 'domain-master-browser';
    case 0x1c:
      return 'domain-controllers';
    case 0x1d:
      return 'local-master-browser';
    case 0x1e:
      return 'browser-election';
    case 0x20:
      return 'file-server';
    default:
      return 'other';
  }
}

export interface NbstatOptions {
  readonly udp: UdpExchange;
  readonly ip: string;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal | undefined;
  readonly port?: number;
}

export async function runNbstat(o: NbstatOptions): Promise<ProbeOutcome<NbstatData>> {
  const t0 = performance.now();
  const elapsed = (): number => Math.round(performance.now() - t0);
  const txid = randomInt(1, 0xffff);
  const res = await o.udp.request({
    ip: o.ip,
    port: o.port ?? NBNS_PORT,
    payload: encodeNbstatQuery(txid),
    timeoutMs: o.timeoutMs,
    signal: o.signal,
    retries: 1,
    maxBytes: 8192,
    // Datagrams for another transaction are not ours; everything else is decoded (and may fail).
    accept: (m) => m.length < 2 || ((m[0] ?? 0) << 8 | (m[1] ?? 0)) === txid,
  });
  if (res.status !== 'success') return { status: res.status, error: res.error, step: 'nbstat', elapsedMs: elapsed() };
  let decoded;
  try {
    decoded = decodeNbstatResponse(res.data);
  } catch (err) {
    return { status: 'protocol-error', error: `malformed NBSTAT answer: ${(err as Error).message}`, step: 'nbstat', elapsedMs: elapsed() };
  }
  const names: NetbiosNameFacts[] = decoded.names.map((n) => ({
    name: n.name,
    suffix: `0x${n.suffix.toString(16).padStart(2, '0')}`,
    group: n.group,
    nodeType: n.nodeType,
    active: n.active,
    role: role(n),
  }));
  const find = (suffix: number, group: boolean): string | undefined =>
    decoded.names.find((n) => n.suffix === suffix && n.group === group)?.name;
  const computerName = find(0x00, false);
  const workgroup = find(0x00, true);
  const fileServerName = find(0x20, false);
  const domainControllerOf = find(0x1c, true);
  const users = decoded.names.filter((n) => n.suffix === 0x03 && !n.group && n.name !== computerName).map((n) => n.name);
  return {
    status: 'success',
    elapsedMs: elapsed(),
    data: {
      names,
      users,
      masterBrowser: decoded.names.some((n) => n.suffix === 0x1d || n.name.includes('__MSBROWSE__')),
      rttMs: res.rttMs,
      responseHex: evidenceHex(res.data),
      ...(computerName !== undefined ? { computerName } : {}),
      ...(workgroup !== undefined ? { workgroup } : {}),
      ...(fileServerName !== undefined ? { fileServerName } : {}),
      ...(domainControllerOf !== undefined ? { domainControllerOf } : {}),
      ...(decoded.unitId !== undefined ? { mac: decoded.unitId } : {}),
    },
  };
}
