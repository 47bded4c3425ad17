// Alert rules as data: which outbox messages go to which channels (docs/alerts.md).
//
// An outbox message is {topic, agencyId, payload}. Topics written today:
//   finding.opened | finding.reopened | finding.resolved | finding.exception | finding.exception-ended
//     (store/repos/findings.ts; payload {findingId, agencyId, assetId, ruleId, port, severity, title, event})
//   change.host-new | change.host-gone | change.port-opened | change.port-closed | change.service-changed |
//   change.check-changed (src/worker/finalize.ts; payload {kind, ip, port?, service?, check?, from?, to?,
//     agencyId, jobId, severity: high|critical|info})
//   incident.report-new | incident.clock-warning | incident.clock-breached | incident.phase-changed
//     (store/repos/incident-reports.ts, incidents.ts; payload {…, severity, title: {id, en}})
//   circular.sent | circular.reminder | circular.escalation | circular.contradicted | circular.sitrep
//     (src/api/circular-service.ts, src/worker/circular-hook.ts; payload {…, severity, title, detail, to?, link?})
//   report-card.weekly (src/api/report-schedule.ts; payload {…, severity, title, detail, to, href, attachments})
//   worker.zone-unattended (src/worker/zone-watch.ts; payload {zone, pending, since, severity: high, title})
// A rule matches when every condition it states holds (absent = any).

import { validationError } from '../domain/errors.js';
import { SEVERITIES, severityRank } from '../domain/finding.js';
import type { Severity } from '../domain/finding.js';

export interface RuleFilter {
  /** Outbox topics; a trailing `*` matches a prefix (`finding.*`). */
  readonly topics: readonly string[];
  /** Only this agency (and, unless includeDescendants is false, its units). */
  readonly agencyId?: string;
  readonly includeDescendants?: boolean;
  /** Messages at least this severe (see severityOfMessage). */
  readonly minSeverity?: Severity;
  /** Only these ports (finding port or changed port). */
  readonly ports?: readonly number[];
  /** Only findings of these rule ids (e.g. `doublepulsar`, `ms17-010`, `exposure-smb`). */
  readonly findingRules?: readonly string[];
}

/** The facts of one message a rule looks at. */
export interface MessageFacts {
  readonly topic: string;
  /** The message's agency followed by its ancestors (nearest first); empty for system messages. */
  readonly agencyChain: readonly string[];
  readonly severity: Severity | null;
  readonly port: number | null;
  readonly findingRule: string | null;
}

/** Ready-made rules (a critical finding, SMB/RDP newly reachable, DoublePulsar, a reopened finding, incidents), stored with `perisai alert rule add --preset …`. */
export const RULE_PRESETS: Readonly<Record<string, RuleFilter>> = {
  'critical-finding': { topics: ['finding.opened', 'finding.reopened'], minSeverity: 'critical' },
  'smb-rdp-reachable': { topics: ['change.port-opened'], ports: [139, 445, 3389] },
  doublepulsar: { topics: ['finding.opened', 'finding.reopened'], findingRules: ['doublepulsar'] },
  'finding-reopened': { topics: ['finding.reopened'] },
  // Incidents (docs/incidents.md): new reports, clock warnings and breaches, phase changes.
  incidents: { topics: ['incident.*'] },
  // Circulars (docs/circulars.md): the letter to each agency, reminders, escalations, contradictions, situation
  // reports, and the weekly report cards.
  circulars: { topics: ['circular.*', 'report-card.*'] },
};

const SMB_RDP_PORTS = new Set([139, 445, 3389]);

function obj(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/**
 * Severity of a message: a finding carries its own; a change has none, so a newly reachable SMB/RDP
 * port counts as high (the `exposure-smb`/`exposure-rdp` finding severity) and other changes as low,
 * unless the change detector supplied one.
 */
export function severityOfMessage(topic: string, payload: unknown): Severity | null {
  const p = obj(payload);
  if (typeof p.severity === 'string' && (SEVERITIES as readonly string[]).includes(p.severity)) return p.severity as Severity;
  // The change detector's "info" (src/worker/finalize.ts changeSeverity) is low whatever the port: a check
  // on 445 whose verdict became unknown is not a newly reachable SMB port.
  if (p.severity === 'info') return 'low';
  if (topic.startsWith('change.')) return typeof p.port === 'number' && SMB_RDP_PORTS.has(p.port) ? 'high' : 'low';
  return null;
}

export function portOfMessage(payload: unknown): number | null {
  const p = obj(payload);
  return typeof p.port === 'number' && p.port > 0 ? p.port : null;
}

/** The finding rule id, or for a `change.check-changed` message the check id (`doublepulsar`, `ms17-010`). */
export function findingRuleOf(payload: unknown): string | null {
  const p = obj(payload);
  return typeof p.ruleId === 'string' ? p.ruleId : typeof p.check === 'string' ? p.check : null;
}

function topicMatches(patterns: readonly string[], topic: string): boolean {
  return patterns.some((p) => (p.endsWith('*') ? topic.startsWith(p.slice(0, -1)) : p === topic));
}

export function ruleMatches(f: RuleFilter, m: MessageFacts): boolean {
  if (!topicMatches(f.topics, m.topic)) return false;
  if (f.agencyId !== undefined) {
    const inScope = f.includeDescendants === false ? m.agencyChain[0] === f.agencyId : m.agencyChain.includes(f.agencyId);
    if (!inScope) return false;
  }
  if (f.minSeverity !== undefined && (m.severity === null || severityRank(m.severity) < severityRank(f.minSeverity))) return false;
  if (f.ports !== undefined && (m.port === null || !f.ports.includes(m.port))) return false;
  if (f.findingRules !== undefined && (m.findingRule === null || !f.findingRules.includes(m.findingRule))) return false;
  return true;
}

/** Check rule data (from the CLI or a file); returns a normalised copy or throws E_VALIDATION. */
export function validateRuleFilter(v: unknown): RuleFilter {
  const o = obj(v);
  const topics = o.topics;
  if (!Array.isArray(topics) || topics.length === 0 || !topics.every((t) => typeof t === 'string' && /^[a-z0-9.*-]+$/.test(t))) {
    throw validationError('rule: topics must be a non-empty list of topic names such as finding.opened or change.*', { field: 'topics' });
  }
  const out: { -readonly [K in keyof RuleFilter]: RuleFilter[K] } = { topics: [...(topics as string[])] };
  if (o.agencyId !== undefined) {
    if (typeof o.agencyId !== 'string' || o.agencyId === '') throw validationError('rule: agencyId must be an agency id', { field: 'agencyId' });
    out.agencyId = o.agencyId;
  }
  if (o.includeDescendants !== undefined) {
    if (typeof o.includeDescendants !== 'boolean') throw validationError('rule: includeDescendants must be true or false', { field: 'includeDescendants' });
    out.includeDescendants = o.includeDescendants;
  }
  if (o.minSeverity !== undefined) {
    if (typeof o.minSeverity !== 'string' || !(SEVERITIES as readonly string[]).includes(o.minSeverity)) throw validationError(`rule: minSeverity must be one of ${SEVERITIES.join(', ')}`, { field: 'minSeverity' });
    out.minSeverity = o.minSeverity as Severity;
  }
  if (o.ports !== undefined) {
    if (!Array.isArray(o.ports) || o.ports.length === 0 || !o.ports.every((p) => Number.isInteger(p) && (p as number) >= 1 && (p as number) <= 65535)) {
      throw validationError('rule: ports must be a non-empty list of port numbers 1-65535', { field: 'ports' });
    }
    out.ports = [...(o.ports as number[])];
  }
  if (o.findingRules !== undefined) {
    if (!Array.isArray(o.findingRules) || o.findingRules.length === 0 || !o.findingRules.every((r) => typeof r === 'string' && r !== '')) {
      throw validationError('rule: findingRules must be a non-empty list of finding rule ids', { field: 'findingRules' });
    }
    out.findingRules = [...(o.findingRules as string[])];
  }
  return out;
}
