// Spec files read as a stream (spec-file.ts): tokens with file:line as parseSpecText gives them, whatever
// the chunking; the line, entry and byte limits and binary content refused with a bilingual message naming
// the file; a list far past the old call-stack ceiling (~125k tokens spread into one push) read whole.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { TargetSpecError } from './errors.js';
import { buildTargetSet, parseSpecText } from './spec.js';
import { DEFAULT_SPEC_FILE_LIMITS, readSpecFile, readTargetFile, SpecFileLimitError } from './spec-file.js';

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'perisai-specfile-'));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Run `fn` with `stream` as standard input ("-" reads it). */
async function fromStdin<T>(stream: Readable, fn: () => Promise<T>): Promise<T> {
  const original = process.stdin;
  Object.defineProperty(process, 'stdin', { value: stream, configurable: true });
  try {
    return await fn();
  } finally {
    Object.defineProperty(process, 'stdin', { value: original, configurable: true });
  }
}

async function refused(p: Promise<unknown>, problem: string, pattern: RegExp): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof SpecFileLimitError, `expected SpecFileLimitError, got ${String(err)}`);
    assert.equal(err.problem, problem);
    assert.match(err.message, pattern);
    assert.match(err.message, / \/ /, 'Indonesian / English');
    return true;
  });
}

describe('spec files read as a stream', () => {
  it('reads files keeping file:line, and reports unreadable ones as TargetSpecError', async () => {
    await withDir(async (dir) => {
      const file = join(dir, 'targets.txt');
      await writeFile(file, '127.0.0.1 # loopback\n198.18.0.0/30\nbad!\n');
      assert.deepEqual(await readTargetFile(file), ['127.0.0.1', '198.18.0.0/30', 'bad!']);
      const sourced = await readSpecFile(file);
      await assert.rejects(buildTargetSet(sourced), (e: unknown) => e instanceof TargetSpecError && e.token === 'bad!' && e.message.startsWith(`${file}:3: `));
      const missing = join(dir, 'missing.txt');
      await assert.rejects(readTargetFile(missing), (e: unknown) => e instanceof TargetSpecError && e.token === missing && /cannot read target file .*ENOENT/.test(e.message));
      await assert.rejects(readTargetFile(dir), (e: unknown) => e instanceof TargetSpecError && /EISDIR/.test(e.message));
    });
  });

  it('gives what parseSpecText gives, line ends split across chunks included (\\r\\n, \\r, BOM, no final newline)', async () => {
    await withDir(async (dir) => {
      const text = '\ufeff# kantor\r\n198.18.0.1 198.18.0.2\r\n\r198.18.0.3#x\n\n\t198.18.0.0/30\r198.18.0.9';
      const file = join(dir, 'mixed.txt');
      await writeFile(file, text);
      const expected = parseSpecText(text.slice(1), file);
      assert.deepEqual(await readSpecFile(file), expected);
      // One byte per chunk: every \r\n and every multi-byte character is cut in two somewhere.
      const chunked = await fromStdin(createReadStream(file, { highWaterMark: 1 }), () => readSpecFile('-'));
      assert.deepEqual(chunked, expected.map((t) => ({ ...t, source: { file: '<stdin>', line: t.source!.line } })));
    });
  });

  it('reads 200,000 lines (past the ~125k tokens that overflowed the call stack)', async () => {
    await withDir(async (dir) => {
      const file = join(dir, 'big.txt');
      const lines: string[] = [];
      for (let i = 0; i < 200_000; i++) lines.push(`127.${(i >> 16) + 16}.${(i >> 8) & 255}.${i & 255}`);
      await writeFile(file, `${lines.join('\n')}\n`);
      const tokens = await readSpecFile(file);
      assert.equal(tokens.length, 200_000);
      assert.deepEqual(tokens[199_999], { token: lines[199_999], source: { file, line: 200_000 } });
      const set = await buildTargetSet(tokens, { excludes: tokens.slice(0, 199_990) });
      assert.equal(set.size, 10);
    });
  });

  it('refuses more lines or entries than the limit, and more bytes, naming the file', async () => {
    await withDir(async (dir) => {
      const file = join(dir, 'list.txt');
      await writeFile(file, '127.0.0.1\n127.0.0.2\n127.0.0.3\n');
      assert.equal((await readSpecFile(file, { maxLines: 3, maxBytes: 30 })).length, 3); // exactly at both limits
      await refused(readSpecFile(file, { maxLines: 2, maxBytes: 1000 }), 'lines', /lebih dari 2 baris.* \/ .*more than 2 lines/);
      await refused(readSpecFile(file, { maxLines: 1000, maxBytes: 29 }), 'bytes', /lebih besar dari 29 bytes.* \/ .*larger than 29 bytes/);
      await writeFile(file, '127.0.0.1 127.0.0.2 127.0.0.3\n');
      await refused(readSpecFile(file, { maxLines: 2, maxBytes: 1000 }), 'lines', /more than 2 entries/);
      assert.equal(DEFAULT_SPEC_FILE_LIMITS.maxLines, 1_000_000);
      assert.equal(DEFAULT_SPEC_FILE_LIMITS.maxBytes, 64 * 1024 * 1024);
    });
  });

  it('refuses binary content at once: NUL bytes, invalid UTF-8, a 10 MB random file, /dev/urandom', async () => {
    await withDir(async (dir) => {
      const nul = join(dir, 'nul.txt');
      await writeFile(nul, '127.0.0.1\n\0\n');
      await refused(readSpecFile(nul), 'binary', /bukan berkas teks .* \/ not a text file/);
      const latin1 = join(dir, 'latin1.txt');
      await writeFile(latin1, Buffer.from('127.0.0.1 # caf\xe9\n', 'latin1'));
      await refused(readSpecFile(latin1), 'binary', /invalid UTF-8/);
      const random = join(dir, 'random.bin');
      await writeFile(random, randomBytes(10 * 1024 * 1024));
      await refused(readSpecFile(random), 'binary', new RegExp(`^'${random.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}': `));
      // A device that never ends (`--exclude-file /dev/urandom` once grew past a gigabyte): refused at its first chunk.
      await refused(readSpecFile('/dev/urandom'), 'binary', /not a text file/);
      // Endless text on one line (no line limit can stop it) is stopped by the byte limit.
      const endless = new Readable({ read() { this.push('1'.repeat(4096)); } });
      await refused(fromStdin(endless, () => readSpecFile('-', { maxLines: 10, maxBytes: 1024 * 1024 })), 'bytes', /'<stdin>': .*larger than 1 MiB/);
    });
  });
});
