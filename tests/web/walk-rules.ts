// What the Indonesian walk (tests/web/walk.test.ts) refuses to find on a page shown in Indonesian, as
// pure functions over the texts a page showed, so that the rules themselves are tested
// (tests/web/walk-rules.test.ts) apart from any browser:
//  - english: a text containing a message of the English dictionary that differs from its Indonesian
//    one. Messages that are also Indonesian text (proper nouns and technical tokens both languages
//    share: "DoublePulsar", "SMBv1", "Port") are left out, computed from the dictionaries: an English
//    message is left out when it is equal to, or occurs inside, any Indonesian message; a one-word
//    message counts only as a whole text (a label), not as a word of a sentence. A text the page
//    marks as English (an element with lang="en": the scanner's own explanation, shown as such) is
//    meant to be English and is not judged by this rule;
//  - key: a dictionary key (`dash.title`), or a dotted token in a key's namespace (`finding.opened`:
//    an alert topic, `scan.status.x`: a key the dictionary lacks);
//  - identifier: a UUID, a kebab-case token (`ms17-010-unchecked`, `netbios-ns`), or a whole text equal
//    to one of the API's enum values (`completed`, `ransomware`, `enabled`).
// Code and pre elements show technical values on purpose (targets, banners, evidence): inside them only
// a dictionary key, a UUID, or an element that holds nothing but a known identifier counts. Data people
// entered and what the scanner reported (names, host names, services, banners) are removed from a text
// before it is judged, as are addresses, e-mail addresses and URLs.

/** One text the page showed: a text node, an option, or an attribute people read (title, aria-label…). */
export interface SeenText {
  readonly text: string;
  /** Inside a code or pre element. */
  readonly inCode: boolean;
  /** The whole text of that code/pre element (null outside one). */
  readonly codeWhole: string | null;
  /** Where on the page, for the message: element and nearest data-testid, or the attribute's name. */
  readonly where: string;
  /** The language the page declares for it (the nearest lang attribute). */
  readonly lang: string;
}

export interface Offence {
  readonly rule: 'english' | 'key' | 'identifier';
  /** The offending string. */
  readonly found: string;
  /** What it is (the English message's key, "risk rule id", …). */
  readonly what: string;
  readonly text: string;
  readonly where: string;
}

export interface WalkRules {
  /** Every offence in `texts`; `data` are strings people entered or the scanner reported (allowed as they are). */
  judge(texts: readonly SeenText[], data: ReadonlySet<string>): Offence[];
  /** How many English messages are looked for (the others are shared with Indonesian). */
  readonly englishCount: number;
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// Technical values that are fine anywhere: IPv4 addresses with an optional prefix length or port,
// IPv6 addresses, e-mail addresses, URLs.
const TECHNICAL = [
  /\bhttps?:\/\/\S+/g,
  /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g,
  /\b\d{1,3}(?:\.\d{1,3}){3}(?:\/\d{1,2}|:\d{1,5})?\b/g,
  /(?<![\w:])(?:[0-9a-f]{0,4}:){2,7}[0-9a-f]{0,4}(?:\/\d{1,3})?(?![\w:])/gi,
];
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
const IS_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DOTTED = /(?<![\w.@/-])[A-Za-z][\w-]*(?:\.[\w*-]+)+(?![\w@/-])/g;
const KEBAB = /(?<![\w.@/:-])[a-z][a-z0-9]*(?:-[a-z0-9]+)+(?![\w@/-]|\.\w)/g;

/**
 * The rules for a pair of dictionaries (key → message) and the identifiers the API sends (identifier →
 * what it is, e.g. "ms17-010-unchecked" → "risk rule id").
 */
export function walkRules(id: ReadonlyMap<string, string>, en: ReadonlyMap<string, string>, identifiers: ReadonlyMap<string, string>): WalkRules {
  const idValues = [...id.values()];
  const english: { key: string; value: string; re: RegExp }[] = [];
  for (const [key, value] of en) {
    if (value === id.get(key)) continue;
    // The message as written, a placeholder matching anything inside it; placeholders at its ends are
    // left off (a value there may be a text of its own), and so is a message without a letter.
    const literal = value.replace(/^(\s*\{\w+\})+\s*|\s*(\{\w+\}\s*)+$/g, '');
    if (!/\p{L}/u.test(literal.replace(/\{\w+\}/g, ''))) continue;
    const body = literal.split(/(\{\w+\})/).map((p) => (/^\{\w+\}$/.test(p) ? '[\\s\\S]+?' : escape(p).replace(/\s+/g, '\\s+'))).join('');
    // A one-word message without placeholders ("Security", "Assets") is a label: it counts when it is the
    // whole text (a colon after it aside); inside a sentence the same word is a name ("Extended Security
    // Updates"). With a placeholder ("agency {a}") the word counts anywhere.
    const re = /\s/.test(literal.trim()) || /\{\w+\}/.test(value)
      ? new RegExp(`(?<![\\p{L}\\p{N}])${body}(?![\\p{L}\\p{N}])`, 'u')
      : new RegExp(`^\\s*${body}\\s*:?\\s*$`, 'u');
    if (idValues.some((v) => re.test(v))) continue;
    english.push({ key, value, re });
  }
  const keys = new Set(id.keys());
  const namespaces = new Set([...keys].map((k) => k.split('.')[0]!));
  // Indonesian words written with a hyphen (none may be an identifier): whatever kebab token the
  // Indonesian messages contain.
  const kebabWords = new Set(idValues.flatMap((v) => [...v.matchAll(KEBAB)].map((m) => m[0])));

  const what = (token: string, fallback: string): string => identifiers.get(token) ?? fallback;

  const judgeOne = (seen: SeenText, data: readonly RegExp[]): Offence[] => {
    const out: Offence[] = [];
    const add = (rule: Offence['rule'], found: string, kind: string) => out.push({ rule, found, what: kind, text: seen.text, where: seen.where });
    // Data become a neutral mark (an English message around them still reads as one); technical values
    // are then dropped for the identifier rules.
    let marked = seen.text;
    for (const d of data) marked = marked.replace(d, '\u00b7');
    let text = marked.replace(/\u00b7/g, ' ');
    for (const re of TECHNICAL) text = text.replace(re, ' ');

    for (const m of text.matchAll(UUID)) if (!seen.inCode) add('identifier', m[0], 'UUID');
    for (const m of text.matchAll(DOTTED)) {
      const token = m[0];
      if (keys.has(token)) add('key', token, 'dictionary key');
      else if (!seen.inCode && namespaces.has(token.split('.')[0]!)) add('key', token, what(token, 'dotted identifier in a dictionary namespace'));
    }
    if (seen.inCode) {
      const whole = seen.codeWhole?.trim() ?? '';
      if (identifiers.has(whole) || IS_UUID.test(whole)) add('identifier', whole, what(whole, 'UUID'));
      return out;
    }
    for (const m of text.matchAll(KEBAB)) if (!kebabWords.has(m[0])) add('identifier', m[0], what(m[0], 'kebab-case identifier'));
    const whole = text.trim();
    if (identifiers.has(whole) && !/-/.test(whole)) add('identifier', whole, what(whole, 'identifier'));
    if (seen.lang.startsWith('en')) return out;
    for (const e of english) {
      const m = e.re.exec(marked);
      if (m !== null) add('english', m[0], `English message ${e.key}: "${e.value}"`);
    }
    return out;
  };

  return {
    englishCount: english.length,
    judge(texts, data) {
      // Longest first, so that a name containing another name is removed whole; in any letter case
      // (a NetBIOS name is upper case in one place and lower case in another).
      const list = [...data].filter((d) => d.trim() !== '').sort((a, b) => b.length - a.length).map((d) => new RegExp(escape(d), 'gi'));
      return texts.flatMap((t) => judgeOne(t, list));
    },
  };
}
