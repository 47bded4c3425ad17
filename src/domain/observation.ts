// What a scan tells the inventory: the engine's JSONL records (README "JSONL contract"), typed for the
// store. Port and host lines are the engine's own PortResult/HostResult; the SMB checks add
//   {"type":"check","ip","port","check":"ms17-010"|"smbv1"|"smb-signing"|"doublepulsar"|"rdp-exposed"|…,
//    "state":"vulnerable"|"not-vulnerable"|"unknown","reason","reasonCode","evidence":{…}}
// and host facts `os` {name, build, source, eol?, wannacryRisk?} and `smb` {dialects, dialectsExact, smbv1,
// signing, ports, …}, which may arrive on the host line or as lines of their own ({"type":"os","ip",…} /
// {"type":"smb",…} / {"type":"fact","ip","fact":"os","value":{…}}). All of them become Observations here.
//
// The contract only ever adds fields and record types, so unknown fields are kept where they belong
// (evidence, fact values) and unknown record types are ignored rather than refused.
//
// Three-valued facts: what a scan could not learn stays unknown from the wire to every view. The engine
// reports an SMB conversation that failed (timeout, reset, garbage) as `smbv1: null`, `signing: "unknown"`
// and an empty, inexact dialect list (src/engine/checks/host-facts.ts deriveSmbFacts); this parser keeps
// that, and derives `false` only from an exact dialect list without SMB1 — never from a missing answer.

import type { HostResult, PortResult, ScanSummary } from '../engine/types.js';
import { validationError } from './errors.js';
import { tryParseAddress } from './ip.js';

/** nmap `vulns` library vocabulary (nselib/vulns.lua states); `likely-vulnerable` is reserved for version-only evidence. */
export const CHECK_STATES = ['vulnerable', 'likely-vulnerable', 'not-vulnerable', 'unknown'] as const;
export type CheckState = (typeof CHECK_STATES)[number];

export interface OsFact {
  readonly name: string;
  /** Build number as text (the engine sends a number: 7601). */
  readonly build?: string | null;
  /** Where the OS guess came from: "smb-ntlm", "smb1-negotiate", "banner", "manual" … */
  readonly source: string;
  /** Past end of support (no more security updates). */
  readonly eol?: boolean;
  /** A Windows version WannaCry spreads to when unpatched (XP … Server 2016 before MS17-010). */
  readonly wannacryRisk?: boolean;
  /** Engine fields not named here (family, product, version, notes …), kept as they came. */
  readonly [engineField: string]: unknown;
}

export const SIGNING_STATES = ['required', 'enabled', 'disabled'] as const;
/** SMB signing: required on every protocol the host accepts, enabled (offered, not required), or disabled. */
export type SigningState = (typeof SIGNING_STATES)[number];

/**
 * SMB facts of one host as the engine reports them (README "JSONL contract"). Engine fields not named here
 * (ports, maxDialect, serverGuid …) are kept as they came, so a stored scan replays as it was reported.
 */
export interface SmbFact {
  /** Dialects the server accepted, e.g. ["NT LM 0.12", "2.0.2", "2.1", "3.1.1"]. */
  readonly dialects: readonly string[];
  /** true: every dialect was decided, so one missing from `dialects` is refused; false: the list is what was seen. */
  readonly dialectsExact: boolean;
  /** SMBv1 (NT LM 0.12) accepted; null = could not be determined (the conversation failed). */
  readonly smbv1: boolean | null;
  /** The weakest signing over the protocols the host accepts; "unknown" = could not be determined. */
  readonly signing: SigningState | 'unknown';
  /** Why `smbv1` is null, when known (otherwise derived from the engine's per-port reasons). */
  readonly smbv1Reason?: string;
  /** Why `signing` is unknown, when known (the smb-signing check's reason). */
  readonly signingReason?: string;
  /** `smbv1Reason` in machine form (src/engine/checks/notes.ts FactReason), when the engine gave it. */
  readonly smbv1ReasonCodes?: readonly FactReason[];
  /** `signingReason` in machine form. */
  readonly signingReasonCodes?: readonly FactReason[];
  readonly [engineField: string]: unknown;
}

/**
 * Why a fact is unknown, in machine form, as stored and served: the engine's FactReason
 * (src/engine/checks/notes.ts) read without trusting its vocabulary — a code newer than the reader is
 * kept, and the reader falls back to the English sentence beside it. `code` is a reason code
 * (src/engine/checks/reasons.ts), `note` an engine note; `protocol`/`port` say where it was seen.
 */
export interface FactReason {
  readonly protocol?: 'smb1' | 'smb2';
  readonly port?: number;
  readonly code?: string;
  readonly note?: { readonly code: string; readonly params?: Readonly<Record<string, string | number>> };
}

/**
 * SMB as the inventory shows it (assets.smb, the API's `smb`): null where the scans could not tell, with
 * the reason the engine gave. Never `false` for a question nobody answered.
 */
export interface SmbSummary {
  readonly smbv1: boolean | null;
  /** The engine's English reason (kept for the API and exports as it was). */
  readonly smbv1Reason?: string;
  /** The same reason in machine form, which the UI translates; absent on rows stored before it existed. */
  readonly smbv1ReasonCodes?: readonly FactReason[];
  readonly signing: SigningState | null;
  readonly signingReason?: string;
  readonly signingReasonCodes?: readonly FactReason[];
  /** Dialects seen; null = none could be learned. */
  readonly dialects: readonly string[] | null;
  /** The list is every dialect the host accepts (false: some could not be decided). */
  readonly dialectsComplete: boolean;
}

/** The OS as the inventory shows it: `eol`/`wannacryRisk` null where the version could not be placed. */
export interface OsSummary {
  readonly name: string;
  readonly build: string | null;
  readonly source: string;
  readonly eol: boolean | null;
  readonly wannacryRisk: boolean | null;
}

export type PortObservation = PortResult;

export interface HostObservation extends HostResult {
  readonly mac?: string;
  readonly netbiosName?: string;
  readonly dnsName?: string;
}

export interface CheckObservation {
  readonly type: 'check';
  readonly ip: string;
  /** 0 when the check is not about one port. */
  readonly port: number;
  readonly check: string;
  readonly state: CheckState;
  readonly reason?: string;
  /** The engine's machine code for the reason (src/engine/checks/reasons.ts), which the UI translates. */
  readonly reasonCode?: string;
  readonly evidence?: Readonly<Record<string, unknown>>;
}

export type FactObservation =
  | { readonly type: 'fact'; readonly ip: string; readonly fact: 'os'; readonly value: OsFact }
  | { readonly type: 'fact'; readonly ip: string; readonly fact: 'smb'; readonly value: SmbFact }
  | { readonly type: 'fact'; readonly ip: string; readonly fact: string; readonly value: Readonly<Record<string, unknown>> };

export type Observation = PortObservation | HostObservation | CheckObservation | FactObservation;

export type JsonlRecord =
  | { readonly kind: 'observation'; readonly observation: Observation }
  | { readonly kind: 'summary'; readonly summary: ScanSummary };

const PORT_STATES = new Set(['open', 'closed', 'filtered']);

function obj(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

function str(o: Record<string, unknown>, k: string): string | undefined {
  const v = o[k];
  return typeof v === 'string' ? v : undefined;
}

function bad(what: string, o: unknown): never {
  throw validationError(`observation: ${what} in ${JSON.stringify(o).slice(0, 200)}`, { field: 'observation' });
}

function ipOf(o: Record<string, unknown>): string {
  const raw = str(o, 'ip');
  const a = raw === undefined ? undefined : tryParseAddress(raw);
  if (a === undefined) bad('"ip" is missing or not an address', o);
  return a.text;
}

function portOf(o: Record<string, unknown>, required: boolean): number {
  const p = o.port;
  if (p === undefined && !required) return 0;
  if (typeof p !== 'number' || !Number.isInteger(p) || p < 0 || p > 65535) bad('"port" is not 0–65535', o);
  return p;
}

export function parseOsFact(v: unknown): OsFact | undefined {
  const o = obj(v);
  if (o === undefined || typeof o.name !== 'string') return undefined;
  const { build, eol, wannacryRisk, ...rest } = o;
  return {
    ...rest, name: o.name, source: typeof o.source === 'string' ? o.source : 'unknown',
    ...(typeof build === 'string' || build === null ? { build } : typeof build === 'number' && Number.isFinite(build) ? { build: String(build) } : {}),
    // eol / wannacryRisk only when the engine could place the version: absent means unknown, not false.
    ...(typeof eol === 'boolean' ? { eol } : {}),
    ...(typeof wannacryRisk === 'boolean' ? { wannacryRisk } : {}),
  };
}

function noteOf(v: unknown): FactReason['note'] | undefined {
  const o = obj(v);
  if (o === undefined || typeof o.code !== 'string' || o.code === '') return undefined;
  const p = obj(o.params);
  const params = p === undefined ? undefined : Object.fromEntries(Object.entries(p).filter((e): e is [string, string | number] => typeof e[1] === 'string' || typeof e[1] === 'number'));
  return { code: o.code, ...(params !== undefined ? { params } : {}) };
}

/** A list of FactReasons as received or stored: entries that say nothing usable are dropped; undefined when none is left. */
export function factReasons(v: unknown): FactReason[] | undefined {
  if (!Array.isArray(v)) return undefined;
  const out: FactReason[] = [];
  for (const x of v) {
    const o = obj(x);
    if (o === undefined) continue;
    const code = typeof o.code === 'string' && o.code !== '' ? o.code : undefined;
    const n = noteOf(o.note);
    if (code === undefined && n === undefined) continue;
    out.push({
      ...(o.protocol === 'smb1' || o.protocol === 'smb2' ? { protocol: o.protocol } : {}),
      ...(typeof o.port === 'number' && Number.isInteger(o.port) && o.port >= 0 && o.port <= 65535 ? { port: o.port } : {}),
      ...(code !== undefined ? { code } : {}),
      ...(n !== undefined ? { note: n } : {}),
    });
  }
  return out.length > 0 ? out : undefined;
}

const SMB1_DIALECT = /^(NT LM 0\.12|1\b|smb1)/i;

function signingOf(v: unknown): SigningState | 'unknown' {
  if (typeof v === 'boolean') return v ? 'required' : 'enabled';
  if (v === 'enabled-not-required') return 'enabled';
  return typeof v === 'string' && (SIGNING_STATES as readonly string[]).includes(v) ? (v as SigningState) : 'unknown';
}

/**
 * An `smb` fact from the engine or another scanner. SMBv1 is what the record says; when it says nothing
 * (null or absent) it is true only if an SMB1 dialect was accepted and false only if the dialect list is
 * exact (`dialectsExact: true`) — a record without a decided list leaves it null.
 */
export function parseSmbFact(v: unknown): SmbFact | undefined {
  const o = obj(v);
  if (o === undefined) return undefined;
  const dialects = Array.isArray(o.dialects) ? o.dialects.filter((d): d is string => typeof d === 'string') : [];
  const dialectsExact = o.dialectsExact === true;
  const smbv1 = typeof o.smbv1 === 'boolean' ? o.smbv1 : dialects.some((d) => SMB1_DIALECT.test(d)) ? true : dialectsExact && dialects.length > 0 ? false : null;
  const { smbv1Reason, signingReason, smbv1ReasonCodes: c1, signingReasonCodes: c2, ...rest } = o;
  const smbv1ReasonCodes = smbv1 === null ? factReasons(c1) : undefined;
  const signingReasonCodes = factReasons(c2);
  return {
    ...rest, dialects, dialectsExact, smbv1, signing: signingOf(o.signing),
    ...(smbv1 === null && typeof smbv1Reason === 'string' ? { smbv1Reason } : {}),
    ...(smbv1ReasonCodes !== undefined ? { smbv1ReasonCodes } : {}),
    ...(typeof signingReason === 'string' ? { signingReason } : {}),
    ...(signingReasonCodes !== undefined ? { signingReasonCodes } : {}),
  };
}

/** Why SMBv1 is unknown, from the engine's per-port states: "445: SMB1 probe failed: io-timeout at negotiate (…)". */
function smbv1ReasonOf(f: Readonly<Record<string, unknown>>): string | undefined {
  if (typeof f.smbv1Reason === 'string') return f.smbv1Reason;
  const ports = Array.isArray(f.ports) ? f.ports.map(obj).filter((p) => p !== undefined && p.smbv1 === 'unknown' && typeof p.reason === 'string') : [];
  return ports.length === 0 ? undefined : ports.map((p) => `${typeof p!.port === 'number' ? `${p!.port}: ` : ''}${String(p!.reason)}`).join('; ');
}

/** The same from the engine's per-port states, where they carry a reason code. */
function smbv1ReasonCodesOf(f: Readonly<Record<string, unknown>>): FactReason[] | undefined {
  if (f.smbv1ReasonCodes !== undefined) return factReasons(f.smbv1ReasonCodes);
  const ports = Array.isArray(f.ports) ? f.ports.map(obj).filter((p) => p !== undefined && p.smbv1 === 'unknown') : [];
  return factReasons(ports.map((p) => ({ protocol: 'smb1', port: p!.port, code: p!.reasonCode })));
}

/** Reasons the checks gave for an unknown fact: the English sentence and its machine form. */
export interface FactReasons {
  readonly smbv1?: string | undefined;
  readonly signing?: string | undefined;
  readonly smbv1Codes?: readonly FactReason[] | undefined;
  readonly signingCodes?: readonly FactReason[] | undefined;
}

/**
 * The inventory's view of SMB facts: from an engine fact (with reasons from the checks, when the fact has
 * none of its own) or from what assets.smb already holds (a summary; also the pre-0007 `{dialects,
 * smbv1, signing}`, read with the same rule as parseSmbFact). undefined when `v` is not an object.
 */
export function smbSummary(v: unknown, reasons: FactReasons = {}): SmbSummary | undefined {
  const o = obj(v);
  if (o === undefined) return undefined;
  if (typeof o.dialectsComplete === 'boolean') {
    // Already a summary (assets.smb): normalise its values, keep its reasons.
    const dialects = Array.isArray(o.dialects) ? o.dialects.filter((d): d is string => typeof d === 'string') : null;
    const smbv1 = typeof o.smbv1 === 'boolean' ? o.smbv1 : null;
    const signing = signingOf(o.signing);
    const c1 = smbv1 === null ? factReasons(o.smbv1ReasonCodes) : undefined;
    const c2 = signing === 'unknown' ? factReasons(o.signingReasonCodes) : undefined;
    return {
      smbv1, ...(smbv1 === null && typeof o.smbv1Reason === 'string' ? { smbv1Reason: o.smbv1Reason } : {}), ...(c1 !== undefined ? { smbv1ReasonCodes: c1 } : {}),
      signing: signing === 'unknown' ? null : signing, ...(signing === 'unknown' && typeof o.signingReason === 'string' ? { signingReason: o.signingReason } : {}),
      ...(c2 !== undefined ? { signingReasonCodes: c2 } : {}),
      dialects, dialectsComplete: dialects !== null && o.dialectsComplete,
    };
  }
  const f = parseSmbFact(o)!;
  const smbv1Reason = f.smbv1 === null ? (smbv1ReasonOf(f) ?? reasons.smbv1) : undefined;
  const smbv1ReasonCodes = f.smbv1 === null ? (smbv1ReasonCodesOf(f) ?? factReasons(reasons.smbv1Codes)) : undefined;
  const signingReason = f.signing === 'unknown' ? (f.signingReason ?? reasons.signing) : undefined;
  const signingReasonCodes = f.signing === 'unknown' ? (f.signingReasonCodes ?? factReasons(reasons.signingCodes)) : undefined;
  const dialects = f.dialects.length === 0 && !f.dialectsExact ? null : [...f.dialects];
  return {
    smbv1: f.smbv1, ...(smbv1Reason !== undefined ? { smbv1Reason } : {}), ...(smbv1ReasonCodes !== undefined ? { smbv1ReasonCodes } : {}),
    signing: f.signing === 'unknown' ? null : f.signing, ...(signingReason !== undefined ? { signingReason } : {}),
    ...(signingReasonCodes !== undefined ? { signingReasonCodes } : {}),
    dialects, dialectsComplete: dialects !== null && f.dialectsExact,
  };
}

/** The inventory's view of an OS fact: what the fact does not say is null, not false. */
export function osSummary(v: unknown): OsSummary | undefined {
  const f = parseOsFact(v);
  if (f === undefined) return undefined;
  return { name: f.name, build: f.build ?? null, source: f.source, eol: f.eol ?? null, wannacryRisk: f.wannacryRisk ?? null };
}

function factObservation(ip: string, fact: string, value: unknown, o: unknown): FactObservation {
  if (fact === 'os') {
    const v = parseOsFact(value);
    if (v === undefined) bad('"os" fact needs at least a name', o);
    return { type: 'fact', ip, fact: 'os', value: v };
  }
  if (fact === 'smb') {
    const v = parseSmbFact(value);
    if (v === undefined) bad('"smb" fact is not an object', o);
    return { type: 'fact', ip, fact: 'smb', value: v };
  }
  const v = obj(value);
  if (v === undefined) bad(`"${fact}" fact is not an object`, o);
  return { type: 'fact', ip, fact, value: v };
}

/**
 * Parse one JSONL record (a line or an already-parsed object) into zero or more records: a host line
 * carrying `os`/`smb` yields the host plus its facts; unknown record types yield nothing.
 * Throws E_VALIDATION naming the record when a known type is malformed.
 */
export function parseJsonlRecord(input: string | unknown): JsonlRecord[] {
  let value: unknown = input;
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input);
    } catch {
      throw validationError(`observation: not JSON: ${input.slice(0, 200)}`, { field: 'observation' });
    }
  }
  const o = obj(value);
  if (o === undefined) bad('not an object', value);
  const out: JsonlRecord[] = [];
  const push = (observation: Observation): void => void out.push({ kind: 'observation', observation });
  switch (o.type) {
    case 'port': {
      const state = str(o, 'state');
      if (state === undefined || !PORT_STATES.has(state)) bad('"state" must be open, closed or filtered', o);
      const r: Record<string, unknown> = { ...o, type: 'port', ip: ipOf(o), port: portOf(o, true), proto: 'tcp', state, reason: str(o, 'reason') ?? 'error' };
      push(r as unknown as PortObservation);
      break;
    }
    case 'host': {
      const state = str(o, 'state');
      if (state !== 'up' && state !== 'down') bad('"state" must be up or down', o);
      const ip = ipOf(o);
      const { os, smb, ...rest } = o;
      const host: Record<string, unknown> = {
        ...rest, type: 'host', ip, state, reason: str(o, 'reason') ?? 'no-response',
        open: typeof o.open === 'number' ? o.open : 0, closed: typeof o.closed === 'number' ? o.closed : 0,
        filtered: typeof o.filtered === 'number' ? o.filtered : 0,
      };
      push(host as unknown as HostObservation);
      if (os !== undefined) push(factObservation(ip, 'os', os, o));
      if (smb !== undefined) push(factObservation(ip, 'smb', smb, o));
      break;
    }
    case 'check': {
      const check = str(o, 'check');
      const state = str(o, 'state');
      if (check === undefined || check.length === 0) bad('"check" is missing', o);
      if (state === undefined || !(CHECK_STATES as readonly string[]).includes(state)) bad(`"state" must be one of ${CHECK_STATES.join(', ')}`, o);
      const c: { -readonly [K in keyof CheckObservation]: CheckObservation[K] } = { type: 'check', ip: ipOf(o), port: portOf(o, false), check, state: state as CheckState };
      const reason = str(o, 'reason');
      if (reason !== undefined) c.reason = reason;
      const reasonCode = str(o, 'reasonCode');
      if (reasonCode !== undefined && reasonCode !== '') c.reasonCode = reasonCode;
      const evidence = obj(o.evidence);
      if (evidence !== undefined) c.evidence = evidence;
      push(c);
      break;
    }
    case 'os':
    case 'smb': {
      const { type, ip: _ip, ...value } = o;
      push(factObservation(ipOf(o), type, value, o));
      break;
    }
    case 'fact': {
      const fact = str(o, 'fact');
      if (fact === undefined || fact.length === 0) bad('"fact" is missing', o);
      push(factObservation(ipOf(o), fact, o.value, o));
      break;
    }
    case 'summary':
      out.push({ kind: 'summary', summary: o as unknown as ScanSummary });
      break;
    default:
      break; // a record type added after this version: ignored (the contract only adds)
  }
  return out;
}

/** The identity key of an observation inside one scan job (the store's idempotency key). */
export function observationKey(o: Observation): { kind: 'port' | 'host' | 'check' | 'fact'; port: number; key: string } {
  switch (o.type) {
    case 'port':
      return { kind: 'port', port: o.port, key: '' };
    case 'host':
      return { kind: 'host', port: 0, key: '' };
    case 'check':
      return { kind: 'check', port: o.port, key: o.check };
    case 'fact':
      return { kind: 'fact', port: 0, key: o.fact };
  }
}
