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
