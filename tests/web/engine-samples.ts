// What the real engine says about a few kinds of host, for the result pages' tests: runHostChecks against
// the in-process fakes on 127.0.0.1 (tests/fakes, answering with captured bytes), turned into the records a
// worker stores (the runner's check lines and host facts, through parseJsonlRecord), so the pages are
// tested on genuine evidence — nested objects, lists, hex, NTSTATUS codes — and genuine reason codes.

import { sanitizeBanner, guessService } from '../../src/engine/banner/service-rules.js';
import type { HostCheckReport } from '../../src/engine/checks/run-host-checks.js';
import { loadProbeFixture } from '../../src/engine/probes/fixtures/load.js';
import { encodeX224ConnectionConfirm } from '../../src/engine/probes/rdp-codec.js';
import { parseJsonlRecord } from '../../src/domain/observation.js';
import type { Observation } from '../../src/domain/observation.js';
import { runAgainstFakes } from '../fakes/harness.js';
import type { HostSetup } from '../fakes/harness.js';
import { sambaSmb1Script, sambaSmb2OnlyScript, win10NoSmb1Script, win7Script } from '../fakes/smb-fake.js';

/** UDP 137 answering with the lab Samba host's captured NBSTAT response (transaction id echoed). */
function nbstatAnswer(q: Uint8Array): Uint8Array {
  const a = loadProbeFixture('ns1-probe-nbns-002-nbstat-response-samba.hex').frame.slice();
  a.set(q.subarray(0, 2), 0);
  return a;
}

/** RDP choosing CredSSP, then refusing a TLS-only client (NLA enforced). */
const rdpWithNla: HostSetup['rdp'] = (() => {
  let n = 0;
  return async (c) => {
    await c.nextChunk();
    c.write(encodeX224ConnectionConfirm(n++ === 0 ? { negotiation: { type: 'response', flags: 0x1f, selectedProtocol: 2 } } : { negotiation: { type: 'failure', flags: 0, failureCode: 5 } }));
  };
})();

export type Persona = 'win7-infected' | 'samba-smb1' | 'samba-smb2only' | 'win10' | 'quiet';

const SETUPS: Readonly<Record<Persona, () => HostSetup>> = {
  // An unpatched Windows 7 with the DoublePulsar implant, SMB on 445 and 139, NetBIOS and RDP answering.
  'win7-infected': () => ({ smb445: win7Script('infected-x64'), smb139: win7Script('infected-x64'), nbns: nbstatAnswer, rdp: rdpWithNla }),
  'samba-smb1': () => ({ smb445: sambaSmb1Script(), nbns: 'closed' }),
  'samba-smb2only': () => ({ smb445: sambaSmb2OnlyScript(), nbns: 'closed' }),
  'win10': () => ({ smb445: win10NoSmb1Script(), nbns: 'silent', timeoutMs: 400 }),
  // Nothing of interest open: every check says why it could not apply.
  'quiet': () => ({ closedPorts: [3389] }),
};

export async function engineReport(p: Persona): Promise<HostCheckReport> {
  return (await runAgainstFakes(SETUPS[p]())).report;
}

/** Every persona's report (for the dictionary coverage test). */
export async function allEngineReports(): Promise<HostCheckReport[]> {
  const out: HostCheckReport[] = [];
  for (const p of Object.keys(SETUPS) as Persona[]) out.push(await engineReport(p));
  return out;
}

/** A greeting as the banner grabber stores it (sanitizeBanner) with the service it guesses. */
export function banner(port: number, bytes: Uint8Array): { banner: string; service: string } {
  return { banner: sanitizeBanner(bytes), service: guessService(port, bytes).service };
}

/** MySQL 8's greeting: a length, a sequence number, the version and binary salt — a typical binary banner. */
export const MYSQL_GREETING = Uint8Array.from([
  0x4a, 0x00, 0x00, 0x00, 0x0a, ...new TextEncoder().encode('8.0.36'), 0x00, 0x0d, 0x00, 0x00, 0x00,
  0x26, 0x3c, 0x5e, 0x7f, 0x01, 0x11, 0x66, 0x0c, 0x00, 0xff, 0xff, 0xff, 0x02, 0x00, 0xff, 0xdf, 0x15,
  0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x6f, 0x3a, 0x29, 0x62, 0x46, 0x07,
  ...new TextEncoder().encode('caching_sha2_password'), 0x00,
]);

/** The records a worker would store for `report` on `ip` (checks that could not apply are not stored, as in the runner). */
export function observationsOf(report: HostCheckReport, ip: string, ports: readonly { port: number; state: 'open' | 'closed'; banner?: string; service?: string }[]): Observation[] {
  const out: Observation[] = [];
  const add = (rec: unknown): void => {
    for (const r of parseJsonlRecord(rec)) if (r.kind === 'observation') out.push(r.observation);
  };
  for (const p of ports) add({ type: 'port', ip, port: p.port, proto: 'tcp', state: p.state, reason: p.state === 'open' ? 'syn-ack' : 'conn-refused', ...(p.service !== undefined ? { service: p.service } : {}), ...(p.banner !== undefined ? { banner: p.banner } : {}) });
  const open = ports.filter((p) => p.state === 'open').length;
  add({
    type: 'host', ip, state: 'up', reason: 'syn-ack', open, closed: ports.length - open, filtered: 0,
    ...(report.os ? { os: { ...report.os, build: report.os.build !== undefined ? String(report.os.build) : null }, netbiosName: report.os.netbiosName } : {}),
    ...(report.smb ? { smb: report.smb } : {}),
  });
  for (const c of report.checks.filter((x) => x.applicable)) {
    add({ type: 'check', ip, ...(c.port !== undefined ? { port: c.port } : {}), check: c.check, state: c.state, reason: c.reason, reasonCode: c.reasonCode, severity: c.severity, title: c.title, titleId: c.titleId, evidence: c.evidence });
  }
  return out;
}
