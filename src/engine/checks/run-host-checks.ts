// runHostChecks: the one entry point the runner calls per host. It plans the probes the selected
// checks need, runs them concurrently with per-conversation deadlines and one host deadline,
// derives the host facts and evaluates the checks. The report is plain JSON.
//
// Connections per SMB host (all in parallel unless noted; each a handful of round trips):
//   445  SMB1 conversation: NEGOTIATE → null SESSION → IPC$ → PeekNamedPipe → DoublePulsar ping  (5 RTT)
//   445  SMB2 NEGOTIATE (all dialects) → SESSION_SETUP NTLMSSP challenge                          (2 RTT)
//   445  one single-dialect SMB2 NEGOTIATE per dialect below the highest (started as soon as the
//        highest is known; exact list, docs/smb-detection.md §3.7 step 3)                 (1 RTT each)
//   445  only if the SMB2 NEGOTIATE was closed unanswered: multi-protocol NEGOTIATE + SMB1
//        NTLMSSP (proves "no SMB2" and gets the NTLM version of SMB1-only hosts)                 (2 RTT)
//   139  the same SMB1 conversation after a NetBIOS session request (NBSTAT <20> name,
//        *SMBSERVER, then names learned on 445; one connection per refused name)
//   137  UDP NBSTAT (one query, one retransmission)
//   3389 X.224 Connection Request (TLS|CredSSP), and if CredSSP was chosen one more offering TLS
//        only, to see whether NLA is enforced                                                   (1 RTT each)
// On the lab's Samba host (445+139) that is 7 TCP connections and 1 UDP exchange; on an SMB1-only Windows
// host 4–5. Nothing intrusive is sent (docs/smb-detection.md §1.3): no write, no file open, no exploit, no
// DoublePulsar opcode other than ping, no second NTLM leg.

import type { Dialer, ScopeCheck } from '../net/dialer.js';
import { LimitedDialer } from '../probes/limited-dialer.js';
import { runNbstat, type NbstatData } from '../probes/nbns.js';
import type { ProbeOutcome } from '../probes/outcome.js';
import { RdpProtocol } from '../probes/rdp-codec.js';
import { runRdpProbe, type RdpProbeData } from '../probes/rdp.js';
import { runSmb1Chain, type Smb1ChainData, type Smb1Depth } from '../probes/smb1-chain.js';
import { runSmb1Ntlm, type Smb1NtlmData } from '../probes/smb1-ntlm.js';
import { runSmb2Negotiate, type Smb2NegotiateFacts, type Smb2ProbeData } from '../probes/smb2-probe.js';
import { netbiosCandidate } from '../probes/smb-transport.js';
import { ScopedUdp, type UdpExchange } from '../probes/udp.js';
import { ALL_SMB2_DIALECTS, formatSmb2Dialect } from '../protocols/smb2/negotiate.js';
import { dataOf, deriveHostFacts, type NetbiosFacts, type OsFacts, type RdpFacts, type SmbFacts } from './host-facts.js';
import { mergeNeeds, selectChecks } from './registry.js';
import type { CheckResult, HostEvidence, Severity, Smb2DialectProbe } from './types.js';

export const DEFAULT_TIMEOUT_MS = 5000;
/** How long the 139 conversation waits for the NBSTAT <20> name before trying *SMBSERVER. */
export const NBNS_GRACE_MS = 200;

export interface HostCheckRequest {
  readonly ip: string;
  /** Open TCP ports from the port stage. */
  readonly openPorts: readonly number[];
  /** TCP ports that answered RST (lets rdp-exposed/smbv1 say "not reachable" instead of "not applicable"). */
  readonly closedPorts?: readonly number[];
  readonly dialer: Dialer;
  /** UDP for NBSTAT; built from `scope` when absent; without both, UDP 137 is not queried. */
  readonly udp?: UdpExchange;
  readonly scope?: ScopeCheck;
  /** Check ids, tags or categories (registry.ts). Default ['ransomware'] = every check. */
  readonly checks?: readonly string[];
  /** Deadline of each conversation (connect included). Default 5000 ms (docs/smb-detection.md §1.3: 5–10 s). */
  readonly timeoutMs?: number;
  /** Hard deadline for the whole host. Default 3 × timeoutMs. */
  readonly hostTimeoutMs?: number;
  /** UDP 137 budget. Default min(timeoutMs, 1500). */
  readonly nbnsTimeoutMs?: number;
  /** Full SMB inventory (every dialect, NTLM OS facts) whenever an SMB check runs. Default true. */
  readonly inventory?: boolean;
  readonly signal?: AbortSignal;
  /** Reference time for end-of-support decisions. Default now. */
  readonly now?: Date;
  /** At most this many sockets open at once for this host (bounds descriptors when many hosts run). Default 6. */
  readonly maxConnections?: number;
  /** Include every probe outcome in `raw`. Default false. */
  readonly rawEvidence?: boolean;
}

export interface CheckReportEntry extends CheckResult {
  readonly title: string;
  readonly titleId: string;
  readonly severity: Severity;
}

export interface ProbeRecord {
  readonly probe: 'smb1' | 'smb2' | 'smb2-dialect' | 'smb1-ntlm' | 'nbstat' | 'rdp' | 'rdp-nla';
  readonly port?: number;
  readonly detail?: string;
  readonly status: string;
  readonly step?: string;
  readonly error?: string;
  readonly elapsedMs: number;
}

export interface HostCheckReport {
  readonly type: 'host-checks';
  readonly ip: string;
  readonly startedAt: string;
  readonly durationMs: number;
  readonly checks: readonly CheckReportEntry[];
  readonly os?: OsFacts;
  readonly smb?: SmbFacts;
  readonly rdp?: RdpFacts;
  readonly netbios?: NetbiosFacts;
  readonly probes: readonly ProbeRecord[];
  /** Every probe outcome (rawEvidence only). */
  readonly raw?: Readonly<Record<string, unknown>>;
}

function record<T>(probe: ProbeRecord['probe'], o: ProbeOutcome<T>, port?: number, detail?: string): ProbeRecord {
  return {
    probe,
    ...(port !== undefined ? { port } : {}),
    ...(detail !== undefined ? { detail } : {}),
    status: o.status,
    ...(o.status !== 'success' ? { step: o.step, error: o.error } : {}),
    elapsedMs: o.elapsedMs,
  };
}

function settleWithin<T>(p: Promise<T> | undefined, ms: number): Promise<void> {
  if (!p) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    void p.then(
      () => {
        clearTimeout(t);
        resolve();
      },
      () => {
        clearTimeout(t);
        resolve();
      },
    );
  });
}

function interpretDialect(dialect: number, o: ProbeOutcome<Smb2ProbeData>): Smb2DialectProbe {
  const name = formatSmb2Dialect(dialect);
  if (o.status === 'success') {
    const n = o.data.negotiate;
    if (n) {
      return o.data.accepted
        ? { dialect: name, accepted: true, detail: `selected ${n.dialect}` }
        : { dialect: name, accepted: false, detail: `answered ${n.dialect}, which was not offered` };
    }
    if (o.data.negotiateError) return { dialect: name, accepted: false, detail: `refused with ${o.data.negotiateError.status}` };
    return { dialect: name, accepted: null, detail: 'no answer (NetBIOS session refused)' };
  }
  // The same server answered the all-dialect NEGOTIATE, so closing on this one is a refusal.
  if (o.status === 'connection-closed' && o.step === 'negotiate') return { dialect: name, accepted: false, detail: 'connection closed without an answer' };
  return { dialect: name, accepted: null, detail: `${o.status} at ${o.step}: ${o.error}` };
}

export async function runHostChecks(req: HostCheckRequest): Promise<HostCheckReport> {
  const started = new Date();
  const t0 = performance.now();
  const timeoutMs = req.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const hostTimeoutMs = req.hostTimeoutMs ?? 3 * timeoutMs;
  const nbnsTimeoutMs = req.nbnsTimeoutMs ?? Math.min(timeoutMs, 1500);
  const selected = selectChecks(req.checks ?? ['ransomware']);
  const needs = mergeNeeds(selected);
  const open = new Set(req.openPorts);
  const closed = new Set(req.closedPorts ?? []);
  const smbWanted = needs.smb1 !== undefined || needs.smb2 === true;
  const inventory = smbWanted && (req.inventory ?? true);
  const DEPTH: readonly Smb1Depth[] = ['negotiate', 'session', 'peek', 'ping'];
  let depth = needs.smb1;
  if (inventory && (depth === undefined || DEPTH.indexOf(depth) < 1)) depth = 'session';
  const wantNtlm = needs.ntlm === true || inventory;
  const wantDialects = needs.smb2Dialects === true || inventory;

  // Host deadline and caller abort.
  const ac = new AbortController();
  const onOuterAbort = (): void => ac.abort();
  if (req.signal?.aborted) ac.abort();
  req.signal?.addEventListener('abort', onOuterAbort, { once: true });
  const hostTimer = setTimeout(() => ac.abort(), hostTimeoutMs);
  const signal = ac.signal;
  const common = { dialer: new LimitedDialer(req.dialer, req.maxConnections ?? 6), ip: req.ip, timeoutMs, signal };

  try {
    const udp = req.udp ?? (req.scope ? new ScopedUdp(req.scope) : undefined);
    const windowsish = [135, 139, 445].some((p) => open.has(p));
    const runNbns = udp !== undefined && ((needs.nbns && windowsish) || (open.has(139) && depth !== undefined));
    const nbnsP: Promise<ProbeOutcome<NbstatData>> | undefined = runNbns && udp ? runNbstat({ udp, ip: req.ip, timeoutMs: nbnsTimeoutMs, signal }) : undefined;

    // SMB on 445.
    const smb1P = new Map<number, Promise<ProbeOutcome<Smb1ChainData>>>();
    if (depth !== undefined && open.has(445)) smb1P.set(445, runSmb1Chain({ ...common, port: 445, depth }));

    const smb2Port = open.has(445) ? 445 : open.has(139) ? 139 : undefined;
    let resolveNeg: (n: Smb2NegotiateFacts | undefined) => void = () => {};
    const negKnown = new Promise<Smb2NegotiateFacts | undefined>((r) => (resolveNeg = r));
    const dialectPs: Promise<Smb2DialectProbe & { outcome: ProbeOutcome<Smb2ProbeData> }>[] = [];

    // Names for a NetBIOS session request on 139 (docs/smb-detection.md §1.2 order: NBSTAT <20>, *SMBSERVER, then
    // names learned elsewhere). `waitFor` must not include the conversation asking.
    let smb2MainP: Promise<ProbeOutcome<Smb2ProbeData>> | undefined;
    const calledNames = (waitFor: () => (Promise<unknown> | undefined)[]) => async (tried: readonly string[]): Promise<string[]> => {
      if (tried.length === 0) await settleWithin(nbnsP, NBNS_GRACE_MS);
      else await Promise.all(waitFor().map((p) => settleWithin(p, timeoutMs)));
      const nb = nbnsP ? dataOf(await Promise.race([nbnsP, Promise.resolve(undefined)])) : undefined;
      const s1 = smb1P.get(445);
      const neg445 = s1 ? dataOf(await Promise.race([s1, Promise.resolve(undefined)]))?.negotiate : undefined;
      const ntlm = smb2MainP ? dataOf(await Promise.race([smb2MainP, Promise.resolve(undefined)]))?.session?.ntlm : undefined;
      const names = [nb?.fileServerName, '*SMBSERVER', neg445?.serverName, ntlm?.nbComputerName, nb?.computerName, ntlm?.dnsComputerName]
        .map((n) => (n === '*SMBSERVER' ? n : netbiosCandidate(n)))
        .filter((n): n is string => n !== undefined);
      return [...new Set(names)];
    };

    let smb1NtlmP: Promise<ProbeOutcome<Smb1NtlmData> | undefined> = Promise.resolve(undefined);
    if (needs.smb2 && smb2Port !== undefined) {
      const names139 = smb2Port === 139 ? calledNames(() => [nbnsP]) : undefined;
      smb2MainP = runSmb2Negotiate({
        ...common,
        port: smb2Port,
        ntlm: wantNtlm,
        ...(names139 ? { calledNames: names139 } : {}),
        onNegotiate: (n) => resolveNeg(n),
      });
      const mainP = smb2MainP;
      void mainP.then(() => resolveNeg(undefined));
      void negKnown.then((n) => {
        if (!n || !wantDialects) return;
        for (const d of ALL_SMB2_DIALECTS.filter((x) => x < n.dialectRevision)) {
          dialectPs.push(
            runSmb2Negotiate({ ...common, port: smb2Port, dialects: [d], ...(names139 ? { calledNames: names139 } : {}) }).then((outcome) => ({
              ...interpretDialect(d, outcome),
              outcome,
            })),
          );
        }
      });
      smb1NtlmP = mainP.then((m) =>
        m.status === 'connection-closed' && m.step === 'negotiate'
          ? runSmb1Ntlm({ ...common, port: smb2Port, ...(names139 ? { calledNames: names139 } : {}) })
          : undefined,
      );
    }

    if (smb2MainP === undefined) resolveNeg(undefined);

    // SMB1 on 139 (after the 445 probes have had their chance to name the host).
    if (depth !== undefined && open.has(139)) {
      smb1P.set(139, runSmb1Chain({ ...common, port: 139, depth, calledNames: calledNames(() => [nbnsP, smb1P.get(445), smb2Port === 445 ? smb2MainP : undefined]) }));
    }

    // RDP.
    let rdpP: Promise<ProbeOutcome<RdpProbeData>> | undefined;
    let rdpNlaP: Promise<ProbeOutcome<RdpProbeData> | undefined> = Promise.resolve(undefined);
    if (needs.rdp && open.has(3389)) {
      rdpP = runRdpProbe({ ...common, port: 3389, requestedProtocols: RdpProtocol.SSL | RdpProtocol.HYBRID });
      rdpNlaP = rdpP.then((o) =>
        o.status === 'success' && o.data.answer === 'connection-confirm' && (o.data.selectedProtocol === RdpProtocol.HYBRID || o.data.selectedProtocol === RdpProtocol.HYBRID_EX)
          ? runRdpProbe({ ...common, port: 3389, requestedProtocols: RdpProtocol.SSL })
          : undefined,
      );
    }

    const smb1Entries = await Promise.all([...smb1P.entries()].map(async ([p, pr]) => [p, await pr] as const));
    const smb2 = smb2MainP ? await smb2MainP : undefined;
    await negKnown;
    const dialects = await Promise.all(dialectPs);
    const smb1Ntlm = await smb1NtlmP;
    const nbns = nbnsP ? await nbnsP : undefined;
    const rdp = rdpP ? await rdpP : undefined;
    const rdpNla = await rdpNlaP;

    const evidence: HostEvidence = {
      ip: req.ip,
      openPorts: open,
      closedPorts: closed,
      smb1: new Map(smb1Entries),
      now: req.now ?? started,
      ...(smb2 ? { smb2 } : {}),
      ...(smb2 && wantDialects && smb2.status === 'success' && smb2.data.negotiate
        ? { smb2Dialects: dialects.map(({ outcome: _o, ...rest }) => rest).sort((a, b) => a.dialect.localeCompare(b.dialect)) }
        : {}),
      ...(smb1Ntlm ? { smb1Ntlm } : {}),
      ...(nbns ? { nbns } : {}),
      ...(rdp ? { rdp } : {}),
      ...(rdpNla ? { rdpNla } : {}),
    };
    const facts = deriveHostFacts(evidence);
    const checks: CheckReportEntry[] = selected.flatMap((c) =>
      c.evaluate(evidence, facts).map((r) => ({ ...r, title: c.meta.title.en, titleId: c.meta.title.id, severity: c.meta.severity })),
    );

    const probes: ProbeRecord[] = [
      ...smb1Entries.map(([p, o]) => record('smb1', o, p)),
      ...(smb2 ? [record('smb2', smb2, dataOf(smb2)?.port)] : []),
      ...dialects.map((d) => record('smb2-dialect', d.outcome, smb2Port, d.dialect)),
      ...(smb1Ntlm ? [record('smb1-ntlm', smb1Ntlm, smb2Port)] : []),
      ...(nbns ? [record('nbstat', nbns, 137)] : []),
      ...(rdp ? [record('rdp', rdp, 3389)] : []),
      ...(rdpNla ? [record('rdp-nla', rdpNla, 3389)] : []),
    ];
    const raw = req.rawEvidence
      ? {
          smb1: Object.fromEntries(smb1Entries.map(([p, o]) => [String(p), o])),
          ...(smb2 ? { smb2 } : {}),
          ...(dialects.length ? { smb2Dialects: dialects.map((d) => d.outcome) } : {}),
          ...(smb1Ntlm ? { smb1Ntlm } : {}),
          ...(nbns ? { nbns } : {}),
          ...(rdp ? { rdp } : {}),
          ...(rdpNla ? { rdpNla } : {}),
        }
      : undefined;
    return {
      type: 'host-checks',
      ip: req.ip,
      startedAt: started.toISOString(),
      durationMs: Math.round(performance.now() - t0),
      checks,
      ...(facts.os ? { os: facts.os } : {}),
      ...(facts.smb ? { smb: facts.smb } : {}),
      ...(facts.rdp ? { rdp: facts.rdp } : {}),
      ...(facts.netbios ? { netbios: facts.netbios } : {}),
      probes,
      ...(raw ? { raw } : {}),
    };
  } finally {
    clearTimeout(hostTimer);
    req.signal?.removeEventListener('abort', onOuterAbort);
  }
}
