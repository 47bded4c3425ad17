// CSV reading and writing for inventory import/export.
//
// Reading follows RFC 4180 §2 (records end with CRLF — LF alone is accepted too, since files edited on
// Linux/macOS use it; fields may be enclosed in double quotes; a quote inside a quoted field is doubled;
// quoted fields may hold the separator and line breaks), with two real-world extensions:
//  - a UTF-8 byte-order mark (Excel's "CSV UTF-8" export writes one) is dropped;
//  - the separator may be ';' instead of ','. Excel in locales whose decimal separator is the comma
//    (id-ID among them) writes ';'-separated "CSV", so Indonesian agency spreadsheets usually arrive that
//    way. The separator is detected from the header record (the one outside quotes that occurs more).
// Writing reuses the engine's field encoder (RFC 4180 quoting plus the OWASP formula-injection guard), so
// every CSV Perisai writes is defended the same way.

import { csvField } from '../engine/output/csv.js';

export { csvField };

export interface CsvRecord {
  /** 1-based physical line on which the record starts (what a spreadsheet user sees as the row number). */
  readonly line: number;
  readonly fields: readonly string[];
}

export interface ParsedCsv {
  readonly separator: ',' | ';';
  readonly records: readonly CsvRecord[];
}

export class CsvSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
    this.name = 'CsvSyntaxError';
  }
}

/** Count ',' and ';' outside quotes in the first record; ';' wins only when it is strictly more frequent. */
export function detectSeparator(text: string): ',' | ';' {
  let commas = 0;
  let semis = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') quoted = !quoted;
    else if (!quoted && (c === '\n' || c === '\r')) break;
    else if (!quoted && c === ',') commas++;
    else if (!quoted && c === ';') semis++;
  }
  return semis > commas ? ';' : ',';
}

/**
 * Parse CSV text. Fully empty records (blank lines) are skipped. Throws CsvSyntaxError on an unterminated
 * quoted field or on characters after a closing quote (RFC 4180 §2.5–2.7 leave no room for either).
 */
export function parseCsv(input: string, separator?: ',' | ';'): ParsedCsv {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const sep = separator ?? detectSeparator(text);
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let recordLine = 1;
  let i = 0;
  const endRecord = (): void => {
    fields.push(field);
    if (!(fields.length === 1 && fields[0] === '')) records.push({ line: recordLine, fields });
    fields = [];
    field = '';
  };
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"' && field === '') {
      // quoted field
      const startLine = line;
      i++;
      for (;;) {
        if (i >= text.length) throw new CsvSyntaxError(`unterminated quoted field (opened on line ${startLine})`, startLine);
        const q = text[i]!;
        if (q === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        if (q === '\n') line++;
        field += q;
        i++;
      }
      const next = text[i];
      if (next !== undefined && next !== sep && next !== '\r' && next !== '\n') {
        throw new CsvSyntaxError(`unexpected ${JSON.stringify(next)} after a closing quote`, line);
      }
      continue;
    }
    if (c === sep) {
      fields.push(field);
      field = '';
      i++;
      continue;
    }
    if (c === '\r' || c === '\n') {
      endRecord();
      if (c === '\r' && text[i + 1] === '\n') i++;
      i++;
      line++;
      recordLine = line;
      continue;
    }
    field += c;
    i++;
  }
  if (field !== '' || fields.length > 0) endRecord();
  return { separator: sep, records };
}

/** One CSV record, RFC 4180 quoted and formula-guarded, CRLF-terminated (§2.1). */
export function csvLine(fields: readonly string[], separator: ',' | ';' = ','): string {
  return fields.map((f) => {
    const v = csvField(f);
    // csvField quotes for ',' only; with ';' as separator a ';' must be quoted as well.
    return separator === ';' && !v.startsWith('"') && v.includes(';') ? `"${v}"` : v;
  }).join(separator) + '\r\n';
}
