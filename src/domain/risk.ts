// Ransomware-exposure rating per asset, with the rules as DATA (a city changes them without a release: simple exposure rules are
// data evaluated over observations, nuclei-matcher style). A rule is
//   { id, rating, when: <condition>, reason: { id: <Bahasa Indonesia>, en: <English> } }
// and the conditions form a small JSON-serialisable language over an asset's facts, so that rules can
// later be loaded from versioned content files and shown to users verbatim with their reasons.
//
// Precedence of ratings: critical > high > unknown > medium > low > none. `unknown` outranks medium and
// low on purpose: it means "SMB answers but the decisive checks could not run", and such a host may be
// MS17-010-vulnerable — the product never calls a host safe that it could not check (README; nmap's
// smb-vuln-ms17-010 once reported errors as "not vulnerable", nmap-nse-scripts #9/#12).

import type { CheckState, Observation, OsFact, SmbFact } from './observation.js';
import type { FindingStatus, Severity } from './finding.js';
import { SEVERITIES } from './finding.js';
import type { Criticality } from './asset.js';
import { CRITICALITIES } from './asset.js';
import { validationError } from './errors.js';

/** Where the scanner sat relative to the asset: same segment, another agency/city backbone, the Internet. */
export const VANTAGES = ['internal', 'inter-agency', 'internet'] as const;
export type Vantage = (typeof VANTAGES)[number];

export const RATINGS = ['critical', 'high', 'unknown', 'medium', 'low', 'none'] as const;
export type Rating = (typeof RATINGS)[number];
const RANK: Record<Rating, number> = { critical: 5, high: 4, unknown: 3, medium: 2, low: 1, none: 0 };

/** A check's state, or `not-run` when the scan produced no verdict for it at all. */
export type CheckFact = CheckState | 'not-run';

export interface AssetFacts {
  readonly openPorts: readonly number[];
  /** Worst-to-best merged check states per check id (vulnerable > likely > not-vulnerable > unknown). */
  readonly checks: Readonly<Record<string, CheckState>>;
  readonly os?: OsFact | null;
  readonly smb?: SmbFact | null;
  readonly vantage: Vantage;
  readonly criticality?: Criticality;
  /** Status of the asset's findings by rule id (from the store), when rules look at the lifecycle. */
  readonly findings?: Readonly<Record<string, FindingStatus>>;
  /** Severities of the asset's open findings (from the store, after the scan's own changes to them). */
  readonly openFindings?: readonly Severity[];
}

export type FactPath = `os.${'name' | 'build' | 'source' | 'eol' | 'wannacryRisk'}` | `smb.${'smbv1' | 'signing' | 'dialects'}`;
const FACT_PATHS: readonly string[] = ['os.name', 'os.build', 'os.source', 'os.eol', 'os.wannacryRisk', 'smb.smbv1', 'smb.signing', 'smb.dialects'];

export type Condition =
  | { readonly all: readonly Condition[] }
  | { readonly any: readonly Condition[] }
  | { readonly not: Condition }
  /** The merged state of a check is one of `state` (`not-run` = no verdict at all). */
  | { readonly check: string; readonly state: readonly CheckFact[] }
  /** At least one of these ports is open. */
  | { readonly portOpen: readonly number[] }
  /** A fact equals a value (for `smb.dialects`: the list contains it). A fact the scan could not learn is unknown: never matches, and neither does its `not`. */
  | { readonly fact: FactPath; readonly equals: string | number | boolean }
  /** A string fact matches a regular expression (case-insensitive). */
  | { readonly fact: FactPath; readonly matches: string }
  | { readonly vantage: readonly Vantage[] }
  | { readonly criticality: readonly Criticality[] }
  /** The asset's finding for a rule is in one of these statuses (`none` = no such finding). */
  | { readonly finding: string; readonly status: readonly (FindingStatus | 'none')[] }
  /** The asset has an open finding of one of these severities (whichever scan raised it). */
  | { readonly openFinding: readonly Severity[] };

export interface RiskRule {
  readonly id: string;
  readonly rating: Exclude<Rating, 'none'>;
  readonly when: Condition;
  readonly reason: { readonly id: string; readonly en: string };
  readonly references?: readonly string[];
}

const SMB_PORTS = [139, 445];
const EXPOSED: readonly Vantage[] = ['inter-agency', 'internet'];
/** Windows versions WannaCry reaches when MS17-010 is missing and that are (or were) SMBv1-by-default. */
const AT_RISK_WINDOWS = '^(microsoft )?windows (xp|vista|7|8(\\.0)?( |$)|server 2003|server 2008|(server )?2003|(server )?2008|embedded|pos ready)';

/**
 * The default rules (ids are stable: findings, reports and advisories refer to them).
 * References: MS17-010 (Microsoft Security Bulletin, 14 March 2017, KB4013389); MSRC customer guidance
 * for WannaCrypt (12 May 2017); Kominfo/ID-SIRTII guidance of 14 May 2017 (block 139/445/3389, disable
 * SMBv1); CISA CyHy notification of risky services (SMB, NetBIOS, RDP).
 */
export const DEFAULT_RISK_RULES: readonly RiskRule[] = [
  {
    id: 'doublepulsar-implant',
    rating: 'critical',
    when: { check: 'doublepulsar', state: ['vulnerable', 'likely-vulnerable'] },
    reason: {
      id: 'Implan DoublePulsar terdeteksi: host kemungkinan besar sudah disusupi. Putuskan dari jaringan sekarang.',
      en: 'DoublePulsar implant detected: the host is very likely compromised. Disconnect it from the network now.',
    },
    references: ['https://learn.microsoft.com/en-us/security-updates/securitybulletins/2017/ms17-010'],
  },
  {
    id: 'ms17-010-vulnerable',
    rating: 'critical',
    when: { check: 'ms17-010', state: ['vulnerable', 'likely-vulnerable'] },
    reason: {
      id: 'Rentan MS17-010 (EternalBlue): WannaCry dapat menyebar ke host ini. Pasang pembaruan MS17-010 atau isolasi host.',
      en: 'Vulnerable to MS17-010 (EternalBlue): WannaCry can spread to this host. Install the MS17-010 update or isolate the host.',
    },
    references: ['https://learn.microsoft.com/en-us/security-updates/securitybulletins/2017/ms17-010'],
  },
  {
    id: 'smbv1-at-risk-windows',
    rating: 'high',
    when: {
      all: [
        { any: [{ fact: 'smb.smbv1', equals: true }, { check: 'smbv1', state: ['vulnerable', 'likely-vulnerable'] }] },
        { any: [{ fact: 'os.wannacryRisk', equals: true }, { fact: 'os.eol', equals: true }, { fact: 'os.name', matches: AT_RISK_WINDOWS }] },
      ],
    },
    reason: {
      id: 'SMBv1 aktif pada versi Windows yang berisiko WannaCry. Nonaktifkan SMBv1 (KB2696547) atau ganti/isolasi mesin.',
      en: 'SMBv1 is offered on a Windows version at risk from WannaCry. Disable SMBv1 (KB2696547) or replace/isolate the machine.',
    },
  },
  {
    id: 'smb-exposed',
    rating: 'high',
    when: { all: [{ portOpen: SMB_PORTS }, { vantage: EXPOSED }] },
    reason: {
      id: 'SMB (139/445) dapat dijangkau dari luar segmen agensi. Blokir port 139/445 di firewall/router.',
      en: 'SMB (139/445) is reachable from outside the agency segment. Block ports 139/445 at the firewall/router.',
    },
  },
  {
    id: 'rdp-exposed',
    rating: 'high',
    when: { any: [{ all: [{ portOpen: [3389] }, { vantage: EXPOSED }] }, { check: 'rdp-exposed', state: ['vulnerable', 'likely-vulnerable'] }] },
    reason: {
      id: 'RDP (3389) dapat dijangkau dari luar segmen agensi. Blokir port 3389 atau batasi lewat VPN.',
      en: 'RDP (3389) is reachable from outside the agency segment. Block port 3389 or restrict it to a VPN.',
    },
  },
  {
    id: 'ms17-010-unchecked',
    rating: 'unknown',
    when: { all: [{ portOpen: SMB_PORTS }, { check: 'ms17-010', state: ['unknown', 'not-run'] }] },
    reason: {
      id: 'SMB terbuka tetapi pemeriksaan MS17-010 tidak dapat dijalankan; status tambalan belum diketahui.',
      en: 'SMB is open but the MS17-010 check could not run; the patch state is unknown.',
    },
  },
  {
    id: 'doublepulsar-unchecked',
    rating: 'unknown',
    when: { all: [{ portOpen: [445] }, { check: 'doublepulsar', state: ['unknown', 'not-run'] }] },
    reason: {
      id: 'SMB terbuka tetapi pemeriksaan DoublePulsar tidak dapat dijalankan.',
      en: 'SMB is open but the DoublePulsar check could not run.',
    },
  },
  // An open finding keeps the rating at its severity until it is resolved (positive evidence: a scan that
  // looked and found it gone), accepted as a risk or marked false positive — never because a narrower
  // scan did not look (rateAfterScan below).
  {
    id: 'open-critical-finding',
    rating: 'critical',
    when: { openFinding: ['critical'] },
    reason: {
      id: 'Masih ada temuan kritis yang terbuka pada host ini; peringkat tetap sampai temuan itu terselesaikan atau risikonya diterima.',
      en: 'A critical finding is still open on this host; the rating stays until it is resolved or its risk accepted.',
    },
  },
  {
    id: 'open-high-finding',
    rating: 'high',
    when: { openFinding: ['high'] },
    reason: {
      id: 'Masih ada temuan tingkat tinggi yang terbuka pada host ini; peringkat tetap sampai temuan itu terselesaikan atau risikonya diterima.',
      en: 'A high-severity finding is still open on this host; the rating stays until it is resolved or its risk accepted.',
    },
  },
  {
    id: 'smbv1-offered',
    rating: 'medium',
    when: { any: [{ fact: 'smb.smbv1', equals: true }, { check: 'smbv1', state: ['vulnerable', 'likely-vulnerable'] }] },
    reason: {
      id: 'Server menawarkan SMBv1 (protokol yang dipakai EternalBlue). Nonaktifkan jika tidak dibutuhkan.',
      en: 'The server offers SMBv1 (the protocol EternalBlue uses). Disable it unless something still needs it.',
    },
  },
  {
    id: 'os-end-of-support',
    rating: 'medium',
    when: { fact: 'os.eol', equals: true },
    reason: {
      id: 'Sistem operasi sudah tidak didukung (tidak ada pembaruan keamanan). Rencanakan penggantian atau isolasi.',
      en: 'The operating system is past end of support (no security updates). Plan replacement or isolation.',
    },
  },
  {
    id: 'smb-signing-not-required',
    rating: 'low',
    when: { check: 'smb-signing', state: ['vulnerable', 'likely-vulnerable'] },
    reason: {
      id: 'Penandatanganan SMB tidak diwajibkan (risiko relay NTLM).',
      en: 'SMB signing is not required (NTLM relay risk).',
    },
  },
  {
    id: 'smb-open-internal',
    rating: 'low',
    when: { all: [{ portOpen: SMB_PORTS }, { vantage: ['internal'] }] },
    reason: {
      id: 'SMB terbuka di jaringan internal. Wajar untuk server berkas; pastikan tambalan dan SMBv1 nonaktif.',
      en: 'SMB is open on the internal network. Normal for file servers; make sure it is patched and SMBv1 is off.',
    },
  },
];

/** Merge two states of one check from different ports: the more decisive verdict wins. */
const CHECK_PRECEDENCE: Record<CheckState, number> = { vulnerable: 3, 'likely-vulnerable': 2, 'not-vulnerable': 1, unknown: 0 };
export function mergeCheckState(a: CheckState | undefined, b: CheckState): CheckState {
  return a === undefined || CHECK_PRECEDENCE[b] > CHECK_PRECEDENCE[a] ? b : a;
}

/** Facts of one asset from one scan's observations of it. */
export function factsFromObservations(observations: Iterable<Observation>, vantage: Vantage, criticality?: Criticality): AssetFacts {
  const open = new Set<number>();
  const checks: Record<string, CheckState> = {};
  let os: OsFact | null = null;
  let smb: SmbFact | null = null;
  for (const o of observations) {
    if (o.type === 'port' && o.state === 'open') open.add(o.port);
    else if (o.type === 'check') checks[o.check] = mergeCheckState(checks[o.check], o.state);
    else if (o.type === 'fact' && o.fact === 'os') os = o.value as OsFact;
    else if (o.type === 'fact' && o.fact === 'smb') smb = o.value as SmbFact;
  }
  return { openPorts: [...open].sort((a, b) => a - b), checks, os, smb, vantage, ...(criticality !== undefined ? { criticality } : {}) };
}

function factValue(facts: AssetFacts, path: FactPath): unknown {
  const [root, key] = path.split('.') as ['os' | 'smb', string];
  const o = facts[root];
  return o == null ? undefined : (o as unknown as Record<string, unknown>)[key];
}

const regexCache = new Map<string, RegExp>();

/**
 * A condition over facts some of which may be unknown, in three-valued (Kleene) logic: `null` = cannot
 * tell. A fact the scan could not learn (absent, null, SMB signing "unknown", a dialect list that is not
 * exact and lacks the value) makes its comparison unknown, `not` of unknown stays unknown, `all` is false
 * if any part is false, `any` is true if any part is true. A rule applies only when its condition is
 * true, so an unknown never counts as "safe" (`not smbv1`) nor as "yes" (`smbv1`).
 */
export function evaluateCondition3(c: Condition, facts: AssetFacts): boolean | null {
  if ('all' in c) return combine(c.all, facts, false);
  if ('any' in c) return combine(c.any, facts, true);
  if ('not' in c) {
    const v = evaluateCondition3(c.not, facts);
    return v === null ? null : !v;
  }
  // Check states are explicit ('unknown' and 'not-run' are states a rule names), so these are decided.
  if ('check' in c) return c.state.includes(facts.checks[c.check] ?? 'not-run');
  if ('portOpen' in c) return c.portOpen.some((p) => facts.openPorts.includes(p));
  if ('vantage' in c) return c.vantage.includes(facts.vantage);
  if ('criticality' in c) return facts.criticality !== undefined && c.criticality.includes(facts.criticality);
  if ('finding' in c) return c.status.includes(facts.findings?.[c.finding] ?? 'none');
  if ('openFinding' in c) return (facts.openFindings ?? []).some((sev) => c.openFinding.includes(sev));
  const v = factValue(facts, c.fact);
  if (v === undefined || v === null || (c.fact === 'smb.signing' && v === 'unknown')) return null;
  if ('equals' in c) {
    if (!Array.isArray(v)) return v === c.equals;
    if (v.includes(c.equals)) return true;
    // A dialect missing from an inexact list may still be accepted.
    return facts.smb?.dialectsExact === true ? false : null;
  }
  let re = regexCache.get(c.matches);
  if (re === undefined) {
    re = new RegExp(c.matches, 'i');
    regexCache.set(c.matches, re);
  }
  return typeof v === 'string' && re.test(v);
}

/** `all` (a false part decides) or `any` (a true part decides); otherwise unknown if any part is. */
function combine(parts: readonly Condition[], facts: AssetFacts, decisive: boolean): boolean | null {
  let r: boolean | null = !decisive;
  for (const x of parts) {
    const v = evaluateCondition3(x, facts);
    if (v === decisive) return decisive;
    if (v === null) r = null;
  }
  return r;
}

/** True only when the condition certainly holds (see evaluateCondition3). */
export function evaluateCondition(c: Condition, facts: AssetFacts): boolean {
  return evaluateCondition3(c, facts) === true;
}

export interface RiskAssessment {
  readonly rating: Rating;
  /** Every matching rule, highest rating first (rule order within a rating). */
  readonly matched: readonly RiskRule[];
}

export function rateAsset(facts: AssetFacts, rules: readonly RiskRule[] = DEFAULT_RISK_RULES): RiskAssessment {
  const matched = rules
    .map((r, i) => ({ r, i }))
    .filter(({ r }) => evaluateCondition(r.when, facts))
    .sort((a, b) => RANK[b.r.rating] - RANK[a.r.rating] || a.i - b.i)
    .map(({ r }) => r);
  return { rating: matched[0]?.rating ?? 'none', matched };
}

/**
 * What one scan looked at, for the rating (scan_jobs.ports, .checks with the ports each check is about,
 * .vantage): a rule is re-decided by a scan only where the scan looked at everything the rule depends on.
 */
export interface RatingCoverage {
  readonly ports: readonly number[];
  /** The checks the scan ran, each with the ports it is about; null = not recorded (older jobs): every check counts as run. */
  readonly checks: readonly { readonly id: string; readonly ports: readonly number[] }[] | null;
  readonly vantage: Vantage;
}

/**
 * Whether a scan with this coverage looked at everything `c` depends on: every port it names, every check
 * it names (run, on at least one of its ports), the OS and SMB facts (learned over SMB: an SMB port probed
 * by a check), and the vantage (an internal scan cannot tell what is reachable from outside). The asset's
 * criticality and findings are the store's, always known.
 */
export function conditionLooked(c: Condition, cov: RatingCoverage): boolean {
  if ('all' in c) return c.all.every((x) => conditionLooked(x, cov));
  if ('any' in c) return c.any.every((x) => conditionLooked(x, cov));
  if ('not' in c) return conditionLooked(c.not, cov);
  if ('portOpen' in c) return c.portOpen.every((p) => cov.ports.includes(p));
  if ('check' in c) {
    if (cov.checks === null) return true;
    const run = cov.checks.find((x) => x.id === c.check);
    return run !== undefined && run.ports.some((p) => cov.ports.includes(p));
  }
  if ('vantage' in c) return c.vantage.includes(cov.vantage);
  if ('criticality' in c || 'finding' in c || 'openFinding' in c) return true;
  const smbProbed = SMB_PORTS.some((p) => cov.ports.includes(p));
  return smbProbed && (cov.checks === null || cov.checks.some((x) => x.ports.some((p) => SMB_PORTS.includes(p))));
}

/**
 * The rating after a scan: derived from the asset's open findings and, rule by rule, from the last scan
 * that looked at what the rule depends on. A rule this scan looked at (conditionLooked) is decided by its
 * facts; a rule it did not look at keeps what the asset's previous rating said (`previous`: the rule ids
 * it matched), so a scan of port 1 leaves an SMB exposure found by the scan before as it was; the open-
 * finding rules keep the rating at the worst open finding's severity whatever the scan saw. A rule no
 * longer in `rules` is not carried.
 */
export function rateAfterScan(facts: AssetFacts, coverage: RatingCoverage, previous: readonly string[], rules: readonly RiskRule[] = DEFAULT_RISK_RULES): RiskAssessment {
  const before = new Set(previous);
  const matched = rules
    .map((r, i) => ({ r, i }))
    .filter(({ r }) => evaluateCondition(r.when, facts) || (before.has(r.id) && !conditionLooked(r.when, coverage)))
    .sort((a, b) => RANK[b.r.rating] - RANK[a.r.rating] || a.i - b.i)
    .map(({ r }) => r);
  return { rating: matched[0]?.rating ?? 'none', matched };
}

function conditionError(path: string, what: string): never {
  throw validationError(`risk rule condition at ${path}: ${what}`, { field: path });
}

function validateCondition(c: unknown, path: string): Condition {
  if (typeof c !== 'object' || c === null || Array.isArray(c)) conditionError(path, 'not an object');
  const o = c as Record<string, unknown>;
  const keys = Object.keys(o);
  const list = (k: string): unknown[] => {
    const v = o[k];
    if (!Array.isArray(v) || v.length === 0) conditionError(path, `"${k}" must be a non-empty list`);
    return v;
  };
  if (keys.length === 1 && (keys[0] === 'all' || keys[0] === 'any')) {
    const k = keys[0];
    const parts = list(k).map((x, i) => validateCondition(x, `${path}.${k}[${i}]`));
    return k === 'all' ? { all: parts } : { any: parts };
  }
  if (keys.length === 1 && keys[0] === 'not') return { not: validateCondition(o.not, `${path}.not`) };
  if (keys.length === 2 && 'check' in o && 'state' in o) {
    if (typeof o.check !== 'string' || o.check === '') conditionError(path, '"check" must be a check id');
    const allowed = ['vulnerable', 'likely-vulnerable', 'not-vulnerable', 'unknown', 'not-run'];
    const st = list('state');
    for (const s of st) if (typeof s !== 'string' || !allowed.includes(s)) conditionError(path, `state ${JSON.stringify(s)} is not one of ${allowed.join(', ')}`);
    return { check: o.check, state: st as CheckFact[] };
  }
  if (keys.length === 1 && keys[0] === 'portOpen') {
    const ps = list('portOpen');
    for (const p of ps) if (typeof p !== 'number' || !Number.isInteger(p) || p < 1 || p > 65535) conditionError(path, `port ${JSON.stringify(p)} is not 1–65535`);
    return { portOpen: ps as number[] };
  }
  if (keys.length === 1 && keys[0] === 'vantage') {
    const vs = list('vantage');
    for (const v of vs) if (!(VANTAGES as readonly unknown[]).includes(v)) conditionError(path, `vantage ${JSON.stringify(v)} is not one of ${VANTAGES.join(', ')}`);
    return { vantage: vs as Vantage[] };
  }
  if (keys.length === 1 && keys[0] === 'criticality') {
    const cs = list('criticality');
    for (const v of cs) if (!(CRITICALITIES as readonly unknown[]).includes(v)) conditionError(path, `criticality ${JSON.stringify(v)} is not one of ${CRITICALITIES.join(', ')}`);
    return { criticality: cs as Criticality[] };
  }
  if (keys.length === 2 && 'finding' in o && 'status' in o) {
    if (typeof o.finding !== 'string' || o.finding === '') conditionError(path, '"finding" must be a rule id');
    const allowed = ['open', 'resolved', 'accepted-risk', 'false-positive', 'none'];
    const st = list('status');
    for (const x of st) if (typeof x !== 'string' || !allowed.includes(x)) conditionError(path, `status ${JSON.stringify(x)} is not one of ${allowed.join(', ')}`);
    return { finding: o.finding, status: st as (FindingStatus | 'none')[] };
  }
  if (keys.length === 1 && keys[0] === 'openFinding') {
    const sv = list('openFinding');
    for (const x of sv) if (!(SEVERITIES as readonly unknown[]).includes(x)) conditionError(path, `severity ${JSON.stringify(x)} is not one of ${SEVERITIES.join(', ')}`);
    return { openFinding: sv as Severity[] };
  }
  if (keys.length === 2 && 'fact' in o && ('equals' in o || 'matches' in o)) {
    if (typeof o.fact !== 'string' || !FACT_PATHS.includes(o.fact)) conditionError(path, `fact ${JSON.stringify(o.fact)} is not one of ${FACT_PATHS.join(', ')}`);
    const fact = o.fact as FactPath;
    if ('equals' in o) {
      if (!['string', 'number', 'boolean'].includes(typeof o.equals)) conditionError(path, '"equals" must be a string, number or boolean');
      return { fact, equals: o.equals as string | number | boolean };
    }
    if (typeof o.matches !== 'string') conditionError(path, '"matches" must be a regular expression source');
    try {
      new RegExp(o.matches, 'i');
    } catch (e) {
      conditionError(path, `"matches" is not a valid regular expression: ${(e as Error).message}`);
    }
    return { fact, matches: o.matches };
  }
  return conditionError(path, `unknown condition with keys ${JSON.stringify(keys)}`);
}

/** Validate rules loaded from data (content files, an admin's edit): shapes, ratings, unique ids. */
export function validateRiskRules(input: unknown): RiskRule[] {
  if (!Array.isArray(input)) throw validationError('risk rules: expected a list', { field: 'rules' });
  const ids = new Set<string>();
  return input.map((r: unknown, i) => {
    const path = `rules[${i}]`;
    if (typeof r !== 'object' || r === null) throw validationError(`${path}: not an object`, { field: path });
    const o = r as Record<string, unknown>;
    if (typeof o.id !== 'string' || !/^[a-z0-9][a-z0-9.-]*$/.test(o.id)) throw validationError(`${path}.id: lower-case id required`, { field: `${path}.id` });
    if (ids.has(o.id)) throw validationError(`${path}.id: duplicate id ${o.id}`, { field: `${path}.id` });
    ids.add(o.id);
    if (typeof o.rating !== 'string' || o.rating === 'none' || !(RATINGS as readonly string[]).includes(o.rating)) {
      throw validationError(`${path}.rating: one of critical, high, unknown, medium, low`, { field: `${path}.rating` });
    }
    const reason = o.reason as Record<string, unknown> | undefined;
    if (typeof reason?.id !== 'string' || typeof reason.en !== 'string' || reason.id === '' || reason.en === '') {
      throw validationError(`${path}.reason: needs both "id" (Bahasa Indonesia) and "en" texts`, { field: `${path}.reason` });
    }
    const rule: RiskRule = {
      id: o.id,
      rating: o.rating as RiskRule['rating'],
      when: validateCondition(o.when, `${path}.when`),
      reason: { id: reason.id, en: reason.en },
      ...(Array.isArray(o.references) ? { references: o.references.filter((x): x is string => typeof x === 'string') } : {}),
    };
    return rule;
  });
}
