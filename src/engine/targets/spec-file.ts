// Target, exclude and scope files (`-iL FILE`, `--exclude-file`, `--scope-file`), read as a stream with
// limits. The parser (spec.ts) is pure; this is the part that touches files and standard input.
//
// Reading the whole file first and spreading its tokens into one call failed twice at city scale: a
// 125k-line list hit "Maximum call stack size exceeded", and `--exclude-file /dev/urandom` grew to over a
// gigabyte before failing. So the file is read chunk by chunk, and three things stop it early with a clear
// message naming the file: more bytes than `maxBytes`, more lines or entries than `maxLines`, and content
// that is not text (a NUL byte or invalid UTF-8: a binary file or a device, never a list of hosts).

import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { quote, TargetSpecError } from './errors.js';
import { lineTokens, type SourcedToken } from './spec.js';

export interface SpecFileLimits {
  /** The most bytes read from one file (default 64 MiB). */
  readonly maxBytes: number;
  /** The most lines, and the most entries, in one file (default 1,000,000). */
  readonly maxLines: number;
}

export const DEFAULT_SPEC_FILE_LIMITS: SpecFileLimits = { maxBytes: 64 * 1024 * 1024, maxLines: 1_000_000 };

/** Why a spec file was refused by its limits or content (the CLI names the option that raises a limit). */
export type SpecFileProblem = 'bytes' | 'lines' | 'binary';

/** A spec file over a limit, or not text. `message` is bilingual (Bahasa Indonesia / English). */
export class SpecFileLimitError extends TargetSpecError {
  readonly problem: SpecFileProblem;
  constructor(file: string, problem: SpecFileProblem, message: string) {
    super(file, message);
    this.problem = problem;
  }
}

const count = (n: number): string => n.toLocaleString('en-US');

function mib(n: number): string {
  const m = n / (1024 * 1024);
  return Number.isInteger(m) ? `${m} MiB` : `${count(n)} bytes`;
}

/** Lines end at \n, \r\n or a lone \r (as parseSpecText splits them). */
const EOL = /\r\n|\n|\r/;

/**
 * Read a spec file keeping file:line for each token ("-" reads standard input, as nmap -iL -). Streams
 * the file; throws SpecFileLimitError past a limit or on binary content, TargetSpecError when it cannot
 * be read. Nothing is spread into a call, so the number of tokens is bounded only by the limits.
 */
export async function readSpecFile(path: string, limits: SpecFileLimits = DEFAULT_SPEC_FILE_LIMITS): Promise<SourcedToken[]> {
  const file = path === '-' ? '<stdin>' : path;
  const shown = quote(file);
  const out: SourcedToken[] = [];
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let bytes = 0;
  let lineNo = 0;
  let pending = '';
  const refuse = (problem: SpecFileProblem, id: string, en: string): SpecFileLimitError =>
    new SpecFileLimitError(file, problem, `${shown}: ${id} / ${en}`);
  const notText = (): SpecFileLimitError => refuse('binary',
    `bukan berkas teks (berisi byte NUL atau UTF-8 yang tidak valid di sekitar byte ${count(bytes)}); berkas daftar target berisi alamat, rentang atau nama host, satu atau lebih per baris`,
    `not a text file (a NUL byte or invalid UTF-8 near byte ${count(bytes)}); a target list holds addresses, ranges or host names, one or more per line`);
  const lines = (text: string, final: boolean): void => {
    const parts = text.split(EOL);
    // The last part has no line end yet: kept for the next chunk, or at the end a last line if not empty.
    const rest = parts.pop() ?? '';
    if (final && rest !== '') parts.push(rest);
    for (const line of parts) {
      lineNo++;
      if (lineNo > limits.maxLines) {
        throw refuse('lines', `lebih dari ${count(limits.maxLines)} baris; bagi daftarnya atau naikkan batasnya`,
          `more than ${count(limits.maxLines)} lines; split the list or raise the limit`);
      }
      lineTokens(line, file, lineNo, out);
      if (out.length > limits.maxLines) {
        throw refuse('lines', `lebih dari ${count(limits.maxLines)} entri; bagi daftarnya atau naikkan batasnya`,
          `more than ${count(limits.maxLines)} entries; split the list or raise the limit`);
      }
    }
    pending = final ? '' : rest;
  };

  let stream: Readable;
  try {
    stream = path === '-' ? process.stdin : createReadStream(path);
  } catch (err) {
    throw new TargetSpecError(path, `cannot read target file ${quote(path)}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  try {
    for await (const chunk of stream) {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
      if (bytes + buf.length > limits.maxBytes) {
        throw refuse('bytes', `lebih besar dari ${mib(limits.maxBytes)}; bagi daftarnya atau naikkan batasnya`,
          `larger than ${mib(limits.maxBytes)}; split the list or raise the limit`);
      }
      if (buf.includes(0)) {
        bytes += buf.indexOf(0);
        throw notText();
      }
      let text: string;
      try {
        text = decoder.decode(buf, { stream: true });
      } catch {
        throw notText();
      }
      bytes += buf.length;
      // A \r at the end of a chunk may be the first half of \r\n: keep it for the next chunk.
      const whole = pending + text;
      const cut = whole.endsWith('\r') ? whole.length - 1 : whole.length;
      lines(whole.slice(0, cut), false);
      pending += whole.slice(cut);
    }
    let tail: string;
    try {
      tail = decoder.decode();
    } catch {
      throw notText();
    }
    lines(pending + tail, true);
  } catch (err) {
    if (err instanceof TargetSpecError) throw err;
    throw new TargetSpecError(path, `cannot read target file ${quote(path)}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  } finally {
    if (path !== '-') stream.destroy();
  }
  return out;
}

/** nmap -iL: the tokens of a target (or exclude) file. */
export async function readTargetFile(path: string, limits: SpecFileLimits = DEFAULT_SPEC_FILE_LIMITS): Promise<string[]> {
  return (await readSpecFile(path, limits)).map((t) => t.token);
}
