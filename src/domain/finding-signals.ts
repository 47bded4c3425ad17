// From one scan's observations of one asset to inputs for the findings state machine.
//
// A finding tracks one (rule, port) on one asset. Two sources, both data:
//  - checks: every `check` observation maps to the finding of the same id on the same port —
//    vulnerable/likely-vulnerable → detected, not-vulnerable → not-detected (positive evidence),
//    unknown → inconclusive;
//  - exposures: a port that must not be reachable from the scan's vantage (SMB/RDP from another
//    agency's segment or the Internet) → detected when open; a filtered answer is inconclusive.
// Separately, a port that answered RST (conn-refused, the engine's `closed`) is positive evidence for
// EVERY finding on that port of that asset (nothing listens there any more), and is
// reported as `closedPorts`. A port that is filtered, or a host that did not answer, resolves nothing.

import type { Severity } from './finding.js';
import type { FindingInput } from './finding.js';
import type { Observation } from './observation.js';
import type { AssetFacts, Condition, Vantage } from './risk.js';
import { evaluateCondition } from './risk.js';

export interface FindingDefinition {
  readonly id: string;
  readonly source: { readonly check: string } | { readonly ports: readonly number[]; readonly vantages: readonly Vantage[] };
  readonly severity: Severity;
  /** Raise the severity when a condition over the asset's facts holds (e.g. SMBv1 on an at-risk Windows). */
  readonly escalate?: { readonly when: Condition; readonly severity: Severity };
  readonly title: { readonly id: string; readonly en: string };
}

export const FINDING_DEFINITIONS: readonly FindingDefinition[] = [
  { id: 'doublepulsar', source: { check: 'doublepulsar' }, severity: 'critical', title: { id: 'Implan DoublePulsar terdeteksi', en: 'DoublePulsar implant detected' } },
  { id: 'ms17-010', source: { check: 'ms17-010' }, severity: 'critical', title: { id: 'Rentan MS17-010 (EternalBlue)', en: 'Vulnerable to MS17-010 (EternalBlue)' } },
  {
    id: 'smbv1',
    source: { check: 'smbv1' },
    severity: 'medium',
    escalate: { when: { any: [{ fact: 'os.wannacryRisk', equals: true }, { fact: 'os.eol', equals: true }] }, severity: 'high' },
    title: { id: 'SMBv1 aktif', en: 'SMBv1 enabled' },
  },
  { id: 'smb-signing', source: { check: 'smb-signing' }, severity: 'low', title: { id: 'Penandatanganan SMB tidak diwajibkan', en: 'SMB signing not required' } },
  { id: 'rdp-exposed', source: { check: 'rdp-exposed' }, severity: 'high', title: { id: 'RDP terbuka dari luar segmen', en: 'RDP exposed outside its segment' } },
  {
    id: 'exposure-smb',
    source: { ports: [139, 445], vantages: ['inter-agency', 'internet'] },
    severity: 'high',
    title: { id: 'SMB dapat dijangkau dari luar segmen agensi', en: 'SMB reachable from outside the agency segment' },
  },
  {
    id: 'exposure-rdp',
    source: { ports: [3389], vantages: ['inter-agency', 'internet'] },
    severity: 'high',
    title: { id: 'RDP dapat dijangkau dari luar segmen agensi', en: 'RDP reachable from outside the agency segment' },
  },
];

/** Severity and title for a check nobody defined yet: reported, at medium, under its own id. */
function definitionFor(checkId: string, defs: readonly FindingDefinition[]): FindingDefinition {
  return (
    defs.find((d) => 'check' in d.source && d.source.check === checkId) ?? {
      id: checkId, source: { check: checkId }, severity: 'medium', title: { id: checkId, en: checkId },
    }
  );
}

export interface FindingSignal {
  readonly ruleId: string;
  readonly port: number;
  readonly title: { readonly id: string; readonly en: string };
  readonly input: FindingInput;
}

export interface AssetScanSignals {
  /** One per (rule, port) the scan said something about. */
  readonly signals: readonly FindingSignal[];
  /** Ports that answered RST: positive evidence for every finding on them. */
  readonly closedPorts: readonly number[];
}

export function findingSignals(
  observations: Iterable<Observation>,
  facts: AssetFacts,
  jobId: string,
  defs: readonly FindingDefinition[] = FINDING_DEFINITIONS,
): AssetScanSignals {
  const signals = new Map<string, FindingSignal>();
  const closed = new Set<number>();
  const put = (s: FindingSignal): void => {
    const k = `${s.ruleId}|${s.port}`;
    const prev = signals.get(k);
    // Two verdicts for one key in one scan (a retried probe): a detection beats a negative beats nothing.
    const rank = (i: FindingInput): number => (i.kind === 'detected' ? 2 : i.kind === 'inconclusive' ? 0 : 1);
    if (prev === undefined || rank(s.input) > rank(prev.input)) signals.set(k, s);
  };
  const severityOf = (d: FindingDefinition): Severity => (d.escalate !== undefined && evaluateCondition(d.escalate.when, facts) ? d.escalate.severity : d.severity);

  for (const o of observations) {
    if (o.type === 'check') {
      const d = definitionFor(o.check, defs);
      const evidence = { state: o.state, ...(o.reason !== undefined ? { reason: o.reason } : {}), ...(o.reasonCode !== undefined ? { reasonCode: o.reasonCode } : {}), ...(o.evidence ?? {}) };
      const input: FindingInput =
        o.state === 'vulnerable' || o.state === 'likely-vulnerable' ? { kind: 'detected', severity: severityOf(d), evidence, jobId }
        : o.state === 'not-vulnerable' ? { kind: 'not-detected', evidence, jobId }
        : { kind: 'inconclusive', why: 'unknown', jobId };
      put({ ruleId: d.id, port: o.port, title: d.title, input });
    } else if (o.type === 'port') {
      if (o.state === 'closed' && o.reason === 'conn-refused') closed.add(o.port);
      for (const d of defs) {
        if (!('ports' in d.source) || !d.source.ports.includes(o.port) || !d.source.vantages.includes(facts.vantage)) continue;
        if (o.state === 'open') {
          const evidence = { port: o.port, state: o.state, reason: o.reason, vantage: facts.vantage, ...(o.service !== undefined ? { service: o.service } : {}) };
          put({ ruleId: d.id, port: o.port, title: d.title, input: { kind: 'detected', severity: severityOf(d), evidence, jobId } });
        } else if (o.state === 'filtered') {
          put({ ruleId: d.id, port: o.port, title: d.title, input: { kind: 'inconclusive', why: 'filtered', jobId } });
        }
      }
    }
  }
  return { signals: [...signals.values()], closedPorts: [...closed].sort((a, b) => a - b) };
}

/**
 * The input an EXISTING finding (rule, port) gets from this scan: its own signal if any, else
 * port-closed when its port answered RST, else nothing (undefined: the scan said nothing about it —
 * host offline, port not scanned, check not run — and nothing changes).
 */
export function inputForExisting(ruleId: string, port: number, scan: AssetScanSignals, jobId: string): FindingInput | undefined {
  const own = scan.signals.find((s) => s.ruleId === ruleId && s.port === port);
  if (own !== undefined && own.input.kind !== 'inconclusive') return own.input;
  if (port > 0 && scan.closedPorts.includes(port)) return { kind: 'port-closed', jobId };
  return own?.input;
}
