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

/** The longest record the reader buffers: a stray quote must not swallow a 1 GB file into one field. */
export const MAX_RECORD_CHARS = 1 << 20;

/**
 * An incremental CSV reader: `push` text as it arrives (a file read in chunks), get back the records
 * completed so far; `end` returns the last one. Memory is one record plus one chunk, whatever the file
 * size. Fully empty records (blank lines) are skipped but counted as lines. Throws CsvSyntaxError on an
 * unterminated quoted field, on characters after a closing quote (RFC 4180 §2.5–2.7 leave no room for
 * either) and on a record longer than MAX_RECORD_CHARS.
 */
export class CsvReader {
  #sep: ',' | ';' | undefined;
  #buf = '';
  #line = 1;
  #started = false;

  constructor(separator?: ',' | ';') {
    this.#sep = separator;
  }

  /** The separator (known once the header record is complete). */
  get separator(): ',' | ';' | undefined {
    return this.#sep;
  }

  push(chunk: string): CsvRecord[] {
    this.#buf += chunk;
    return this.#drain(false);
  }

  end(): CsvRecord[] {
    return this.#drain(true);
  }

  #drain(final: boolean): CsvRecord[] {
    if (!this.#started) {
      if (this.#buf === '' && !final) return [];
      if (this.#buf.charCodeAt(0) === 0xfeff) this.#buf = this.#buf.slice(1);
      this.#started = true;
    }
    if (this.#sep === undefined) {
      // The header decides the separator: wait until its record is complete (or the input ends).
      if (!final && !headerComplete(this.#buf)) return this.#guard([]);
      this.#sep = detectSeparator(this.#buf);
    }
    const text = this.#buf;
    const sep = this.#sep;
    const sepCode = sep.charCodeAt(0);
    const records: CsvRecord[] = [];
    let i = 0;
    let line = this.#line;
    let consumed = 0;
    let consumedLine = line;
    const n = text.length;
    records: for (;;) {
      if (i >= n) break;
      const recordLine = line;
      const fields: string[] = [];
      for (;;) {
        let field: string;
        if (text.charCodeAt(i) === 34 /* " */) {
          const openLine = line;
          let j = i + 1;
          field = '';
          for (;;) {
            const k = text.indexOf('"', j);
            if (k < 0) {
              if (final) throw new CsvSyntaxError(`unterminated quoted field (opened on line ${openLine})`, openLine);
              break records;
            }
            if (k + 1 >= n && !final) break records; // a doubled quote may continue in the next chunk
            const part = text.slice(j, k);
            field += part;
            line += countLf(part);
            if (text.charCodeAt(k + 1) === 34) {
              field += '"';
              j = k + 2;
              continue;
            }
            i = k + 1;
            break;
          }
          const next = text[i];
          if (next !== undefined && next !== sep && next !== '\r' && next !== '\n') {
            throw new CsvSyntaxError(`unexpected ${JSON.stringify(next)} after a closing quote`, line);
          }
        } else {
          let j = i;
          while (j < n) {
            const c = text.charCodeAt(j);
            if (c === sepCode || c === 13 /* CR */ || c === 10 /* LF */) break;
            j++;
          }
          field = text.slice(i, j);
          i = j;
        }
        fields.push(field);
        if (i >= n) {
          if (!final) break records;
          if (!(fields.length === 1 && fields[0] === '')) records.push({ line: recordLine, fields });
          consumed = i;
          consumedLine = line;
          break records;
        }
        const c = text[i];
        if (c === sep) {
          i++;
          continue;
        }
        // end of record: CRLF, LF or CR
        if (c === '\r') {
          if (i + 1 >= n && !final) break records; // is an LF coming?
          if (text[i + 1] === '\n') i++;
        }
        i++;
        line++;
        break;
      }
      if (!(fields.length === 1 && fields[0] === '')) records.push({ line: recordLine, fields });
      consumed = i;
      consumedLine = line;
    }
    this.#buf = text.slice(consumed);
    this.#line = consumedLine;
    if (final && this.#buf !== '') throw new CsvSyntaxError('the input ends inside a record', this.#line);
    return this.#guard(records);
  }

  #guard(records: CsvRecord[]): CsvRecord[] {
    if (this.#buf.length > MAX_RECORD_CHARS) {
      throw new CsvSyntaxError(`the record starting on line ${this.#line} is longer than ${MAX_RECORD_CHARS} characters (an unterminated quote?)`, this.#line);
    }
    return records;
  }
}

function countLf(s: string): number {
  let n = 0;
  for (let i = s.indexOf('\n'); i >= 0; i = s.indexOf('\n', i + 1)) n++;
  return n;
}

/** Whether the first record of `text` has ended (a line break outside quotes). */
function headerComplete(text: string): boolean {
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') quoted = !quoted;
    else if (!quoted && (c === '\n' || c === '\r')) return true;
  }
  return false;
}

/** Parse CSV text held in memory (CsvReader in one go); the errors are CsvReader's. */
export function parseCsv(input: string, separator?: ',' | ';'): ParsedCsv {
  const r = new CsvReader(separator);
  const records = [...r.push(input), ...r.end()];
  return { separator: r.separator ?? ',', records };
}

/** One CSV record, RFC 4180 quoted and formula-guarded, CRLF-terminated (§2.1). */
export function csvLine(fields: readonly string[], separator: ',' | ';' = ','): string {
  return fields.map((f) => {
    const v = csvField(f);
    // csvField quotes for ',' only; with ';' as separator a ';' must be quoted as well.
    return separator === ';' && !v.startsWith('"') && v.includes(';') ? `"${v}"` : v;
  }).join(separator) + '\r\n';
}
