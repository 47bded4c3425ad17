// Pure formatters for what the scan engine stores, shared by the result pages (scan result, asset detail,
// findings) and unit-tested in tests/web/format.test.ts. No imports: the tests compile this file with the
// server's TypeScript settings.

/** A piece of a banner: text to show as it is, an escaped byte (run), or a line break the server sent. */
export type BannerPart =
  | { readonly kind: 'text'; readonly text: string }
  /** `\xNN` as stored, repeated `count` times in a row (a run of NUL padding is one part). */
  | { readonly kind: 'escape'; readonly code: string; readonly count: number }
  /** `\x0D\x0A` or `\x0A`: shown as a marked break. */
  | { readonly kind: 'newline'; readonly code: string };

const ESCAPE = /\\x([0-9A-Fa-f]{2})|\\\\/g;

/**
 * Split a stored banner into parts. Banners are stored as printable ASCII (src/engine/banner/service-rules.ts
 * sanitizeBanner): printable bytes as themselves, a backslash as `\\`, every other byte as `\xNN`. So a
 * reader can tell an escape from text that happens to read `\x00`, escapes become parts of their own;
 * `\\` is a plain backslash. Text that sanitizeBanner did not produce (a lone backslash) stays text. In a
 * text banner `\x0D\x0A` and `\x0A` are line breaks; in a binary one (BINARY_SHARE) they are bytes like any other.
 */
export function bannerParts(stored: string): BannerPart[] {
  const parts = split(stored, true);
  // In binary data a 0x0A byte is a length or a version, not the end of a line.
  return binaryShare(parts) >= BINARY_SHARE ? split(stored, false) : parts;
}

/** From this share of escaped bytes on, a banner is binary data rather than text with a few control bytes. */
export const BINARY_SHARE = 0.3;

function split(stored: string, breaks: boolean): BannerPart[] {
  const parts: BannerPart[] = [];
  const text = (s: string): void => {
    if (s === '') return;
    const last = parts[parts.length - 1];
    if (last?.kind === 'text') parts[parts.length - 1] = { kind: 'text', text: last.text + s };
    else parts.push({ kind: 'text', text: s });
  };
  let at = 0;
  for (const m of stored.matchAll(ESCAPE)) {
    text(stored.slice(at, m.index));
    at = m.index + m[0].length;
    if (m[1] === undefined) {
      text('\\');
      continue;
    }
    const code = `\\x${m[1].toUpperCase()}`;
    const last = parts[parts.length - 1];
    if (breaks && code === '\\x0A') {
      if (last?.kind === 'escape' && last.code === '\\x0D') {
        if (last.count === 1) parts.pop();
        else parts[parts.length - 1] = { ...last, count: last.count - 1 };
        parts.push({ kind: 'newline', code: '\\x0D\\x0A' });
      } else parts.push({ kind: 'newline', code });
    } else if (last?.kind === 'escape' && last.code === code) parts[parts.length - 1] = { ...last, count: last.count + 1 };
    else parts.push({ kind: 'escape', code, count: 1 });
  }
  text(stored.slice(at));
  return parts;
}

/** How much of a stored banner is escaped bytes rather than text (0…1); 0 for an empty banner. */
export function binaryShare(parts: readonly BannerPart[]): number {
  let bytes = 0;
  let escaped = 0;
  for (const p of parts) {
    if (p.kind === 'text') bytes += p.text.length;
    else {
      const n = p.kind === 'escape' ? p.count : p.code.length / 4;
      bytes += n;
      escaped += n;
    }
  }
  return bytes === 0 ? 0 : escaped / bytes;
}

/**
 * The dictionary message for an engine reason code (src/engine/checks/reasons.ts): `reason.<code>` with
 * `:` written `.` (`patched:access-denied` → `reason.patched.access-denied`); for a code that carries a
 * detail (`auth-refused:0xC000006D`, `reset-at-session`), the longest prefix before a `:` or `-` whose
 * message takes a `{detail}`. `message(key)` answers a dictionary's text for a key, undefined when absent.
 * Undefined when the dictionary has nothing for the code (a code newer than the UI).
 */
export function reasonMessage(code: string, message: (key: string) => string | undefined): { readonly key: string; readonly detail?: string } | undefined {
  const exact = `reason.${code.replace(/:/g, '.')}`;
  if (message(exact) !== undefined) return { key: exact };
  for (let i = code.length - 1; i > 0; i--) {
    if (code[i] !== ':' && code[i] !== '-') continue;
    const key = `reason.${code.slice(0, i).replace(/:/g, '.')}`;
    if (message(key)?.includes('{detail}') === true) return { key, detail: code.slice(i + 1) };
  }
  return undefined;
}

/** Evidence keys whose values are raw protocol bytes in hex: shown in monospace, wrapping anywhere. */
export function isHexKey(key: string): boolean {
  return /Hex$/.test(key) || key === 'sig1' || key === 'sig2';
}

/** The dictionary key of an evidence field's label. */
export function evidenceLabelKey(key: string): string {
  return `evidence.${key}`;
}

const WORST = ['vulnerable', 'likely-vulnerable', 'unknown', 'not-vulnerable'];

/** The worst of several verdicts (a check run on 445 and 139 is as bad as its worse port). */
export function worstState(states: readonly string[]): string {
  let best = WORST.length;
  for (const s of states) {
    const i = WORST.indexOf(s);
    if (i >= 0 && i < best) best = i;
  }
  return WORST[best] ?? 'unknown';
}

/** Remediation text with `commands` and registry paths in backticks (src/engine/checks/*.ts): the pieces, code or not. */
export function codeSpans(text: string): { readonly code: boolean; readonly text: string }[] {
  return text.split('`').map((s, i) => ({ code: i % 2 === 1, text: s })).filter((p) => p.text !== '');
}

/** Is a check result one that could not apply (no port of the check open)? Such results are not news. */
export function notApplicable(reasonCode: string | null | undefined): boolean {
  return reasonCode?.startsWith('not-applicable:') === true;
}

/**
 * Evidence fields whose value is one of the engine's enumerations, by the enumeration's name: the value is
 * shown by its dictionary message `evidence.value.<enumeration>.<value>` (evidenceValueKey). The lists are
 * the engine's own: SMB signing states (src/engine/checks/host-facts.ts Signing), SMBv1 per port
 * (smb1PortState), SMB2 presence, transports and conversation steps (src/engine/checks/smb-common.ts
 * stepReached), SMB1 negotiate kinds (src/engine/probes/smb1-chain.ts), X.224 answers
 * (src/engine/probes/rdp-codec.ts), OS sources, families and editions (host-facts.ts deriveOsFacts,
 * os-catalog.ts), NetBIOS name roles (src/engine/probes/nbns.ts) and session attempts
 * (src/engine/probes/smb-transport.ts), NTSTATUS forms (smb1-chain.ts).
 */
const VALUE_ENUMS: Readonly<Record<string, string>> = {
  signing: 'signing', smb1Signing: 'signing', smb2Signing: 'signing', smbv1: 'smbv1', smb2: 'presence',
  transport: 'transport', stepReached: 'step', step: 'step', kind: 'kind', answer: 'answer',
  source: 'source', sources: 'source', family: 'family', edition: 'edition', role: 'role', result: 'result', form: 'form',
};

/** The dictionary key of an enumerated evidence value (`signing`: `disabled` → `evidence.value.signing.disabled`); undefined for other fields. */
export function evidenceValueKey(field: string, value: string): string | undefined {
  const e = VALUE_ENUMS[field];
  return e === undefined ? undefined : `evidence.value.${e}.${value.replace(/[^\w.-]/g, '-')}`;
}

/** Evidence fields that may hold a reason code (src/engine/checks/reasons.ts): `reason` of a port, a probe's failure `status`. */
export function isReasonField(field: string): boolean {
  return field === 'reason' || field === 'reasonCode' || field === 'status';
}

/**
 * Evidence fields whose values are the engine's own English notes (how it concluded: Samba tells, OS notes,
 * a transport error, the SMB2 detail, a reason sentence): shown verbatim as the engine's raw output, marked
 * English, beside the translated verdict and reason that say the same for people.
 */
export function isEngineTextField(field: string): boolean {
  return field === 'sambaTells' || field === 'notes' || field === 'error' || field === 'smb2Detail' || field === 'reason';
}

/** An OS source with the protocol it came over (`ntlmssp (smb2)`, host-facts.ts deriveOsFacts), split; undefined for a plain source. */
export function sourceVia(value: string): { readonly source: string; readonly via: string } | undefined {
  const m = /^([\w-]+) \(([\w-]+)\)$/.exec(value);
  return m === null ? undefined : { source: m[1]!, via: m[2]! };
}

/**
 * Evidence fields holding the engine's fixed English notes, and the sibling field holding the same notes
 * in machine form: a code and the values the sentence names (src/engine/checks/notes.ts NOTE_SIBLINGS,
 * copied because this file imports nothing; tests/web/check-text.test.ts compares the two). The sibling
 * is shown translated, the sentence kept as the engine's raw output.
 */
export const NOTE_SIBLINGS: Readonly<Record<string, string>> = { sambaTells: 'sambaTellCodes', notes: 'noteCodes', smb2Detail: 'smb2DetailCode' };

/** Is `field` the machine form of a note field (shown through that field, not on its own)? */
export function isNoteCodeField(field: string): boolean {
  return Object.values(NOTE_SIBLINGS).includes(field);
}

/** An engine note in machine form (src/engine/checks/notes.ts EngineNote), read without trusting its shape. */
export interface NoteLike {
  readonly code: string;
  readonly params?: Readonly<Record<string, string | number>>;
}

export function asNote(v: unknown): NoteLike | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
  const o = v as Record<string, unknown>;
  if (typeof o.code !== 'string') return undefined;
  const p = o.params;
  if (p === undefined) return { code: o.code };
  if (typeof p !== 'object' || p === null || Array.isArray(p)) return undefined;
  const params: Record<string, string | number> = {};
  for (const [k, x] of Object.entries(p)) if (typeof x === 'string' || typeof x === 'number') params[k] = x;
  return { code: o.code, params };
}

/** `{name}` placeholders of a message filled (as web/src/i18n translate does). */
function fill(text: string, vars: Readonly<Record<string, string | number>>): string {
  return text.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m));
}

/** A note parameter in the reader's language: conversation steps, editions and probe failures by their messages, other values as data. */
function noteParam(param: string, value: string, message: (key: string) => string | undefined): string {
  if (param === 'step' || param === 'edition') {
    const key = evidenceValueKey(param, value);
    return (key !== undefined ? message(key) : undefined) ?? value;
  }
  if (param === 'using') return value.split('/').map((x) => noteParam('edition', x, message)).join(' / ');
  if (param === 'status') {
    const m = reasonMessage(value, message);
    const text = m === undefined ? undefined : message(m.key);
    if (text !== undefined) return m?.detail !== undefined ? fill(text, { detail: m.detail }) : text;
  }
  return value;
}

/**
 * An engine note as text in the reader's language: `message(key)` answers the reader's dictionary.
 * Undefined when the value is no note or the dictionary has no message for its code (a code newer than the UI).
 */
export function noteText(value: unknown, message: (key: string) => string | undefined): string | undefined {
  const n = asNote(value);
  const text = n === undefined ? undefined : message(`note.${n.code}`);
  if (n === undefined || text === undefined) return undefined;
  const vars: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(n.params ?? {})) vars[k] = typeof v === 'string' ? noteParam(k, v, message) : v;
  return fill(text, vars);
}

/** Why a fact is unknown, in machine form (src/api/schemas.ts FactReasonOut). */
export interface FactReasonLike {
  readonly protocol?: string;
  readonly port?: number;
  readonly code?: string;
  readonly note?: NoteLike;
}

/** One reason of an unknown fact as text in the reader's language ("SMBv1 on port 445: …"); undefined when the dictionary lacks it. */
export function factReasonText(r: FactReasonLike, message: (key: string) => string | undefined): string | undefined {
  let text: string | undefined;
  if (r.note !== undefined) text = noteText(r.note, message);
  else if (r.code !== undefined) {
    const m = reasonMessage(r.code, message);
    const s = m === undefined ? undefined : message(m.key);
    text = s === undefined ? undefined : m?.detail !== undefined ? fill(s, { detail: noteParam('step', m.detail, message) }) : s;
  }
  if (text === undefined) return undefined;
  const where = r.protocol === 'smb1' && r.port !== undefined ? message('fact.reason.smb1') : r.protocol === 'smb2' ? message('fact.reason.smb2') : undefined;
  return where === undefined ? text : fill(where, { port: r.port ?? '', reason: text });
}

/** Every reason of an unknown fact as text, joined; undefined when there is none or one is not translatable (then the reader falls back). */
export function factReasonsText(rs: readonly FactReasonLike[] | undefined, message: (key: string) => string | undefined): string | undefined {
  if (rs === undefined || rs.length === 0) return undefined;
  const texts = rs.map((r) => factReasonText(r, message));
  return texts.every((x): x is string => x !== undefined) ? texts.join(' ') : undefined;
}
