// Printable text, one rule everywhere (docs/inventory-io.md "Control characters"):
//  - ON THE WAY IN (import cells, API string fields, CLI arguments) a C0 control character other than tab,
//    line feed and carriage return, DEL, or a C1 control (U+0080–U+009F) is REFUSED with a bilingual
//    error naming the character and where it is. None of them is text a person types; NUL truncates
//    strings in C tools, and ESC (U+001B) or CSI (U+009B) start terminal escape sequences (ECMA-48 §5),
//    which let a crafted cell rewrite or hide what an operator's terminal shows.
//  - ON THE WAY OUT to a terminal (CLI tables and `show` texts) every control character — tab and line
//    breaks included, since they would break the table's rows and columns — and the bidirectional
//    override/isolate marks (Unicode UAX #9: U+202A–U+202E, U+2066–U+2069, which can reorder what is
//    displayed) are written as visible escapes (\t, \n, \x1b, \u202e), so stored text from any source
//    (older data, a database edited by hand) cannot drive the terminal either.

/** The characters refused on the way in. */
// eslint-disable-next-line no-control-regex -- matching control characters is what this module is for
const REFUSED = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/u;

/** What the way out escapes: every C0/C1 control, DEL, and the bidi overrides and isolates. */
// eslint-disable-next-line no-control-regex -- matching control characters is what this module is for
const ESCAPED = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/gu;

export interface ControlCharacter {
  /** 0-based index in the string. */
  readonly index: number;
  /** "U+001B" */
  readonly codePoint: string;
}

function uPlus(c: number): string {
  return `U+${c.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** The first refused control character of `s`, or undefined when `s` is printable. */
export function findControlCharacter(s: string): ControlCharacter | undefined {
  const m = REFUSED.exec(s);
  return m === null ? undefined : { index: m.index, codePoint: uPlus(s.charCodeAt(m.index)) };
}

/** The bilingual reason a value is refused: "berisi karakter kendali U+001B … / contains the control character U+001B …". */
export function controlCharacterMessage(c: ControlCharacter): string {
  return `berisi karakter kendali ${c.codePoint} pada posisi ${c.index + 1}; hapus karakter itu / contains the control character ${c.codePoint} at position ${c.index + 1}; remove it`;
}

const NAMED: Readonly<Record<string, string>> = { '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/**
 * `s` with every control and bidi mark written as a visible escape (\n, \x1b, \u202e): safe to print on a
 * terminal. With `lines`, line feeds and tabs stay as they are (a multi-line text meant to be read as such).
 */
export function escapeForTerminal(s: string, opts: { lines?: boolean } = {}): string {
  return s.replace(ESCAPED, (ch) => {
    if (opts.lines === true && (ch === '\n' || ch === '\t')) return ch;
    const c = ch.charCodeAt(0);
    return NAMED[ch] ?? (c <= 0xff ? `\\x${c.toString(16).padStart(2, '0')}` : `\\u${c.toString(16).padStart(4, '0')}`);
  });
}

// The characters JSON.stringify leaves raw that a terminal may still act on (DEL, C1, bidi marks).
const JSON_RAW = /[\u007f-\u009f\u202a-\u202e\u2066-\u2069]/gu;

/** JSON.stringify, with DEL, C1 controls and bidi marks written as \uXXXX too: the same JSON, safe on a terminal. */
export function jsonForTerminal(v: unknown, indent?: number): string {
  return JSON.stringify(v, null, indent).replace(JSON_RAW, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The bilingual refusal of the first command-line argument holding a control character, if any. */
export function controlCharacterArgument(args: readonly string[]): string | undefined {
  for (const [i, a] of args.entries()) {
    const c = findControlCharacter(a);
    if (c !== undefined) return `argumen ke-${i + 1} ${controlCharacterMessage(c).replace(' / ', ` / argument ${i + 1} `)}`;
  }
  return undefined;
}
