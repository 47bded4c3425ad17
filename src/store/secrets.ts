// Secrets at rest: the alert channels' passwords, HMAC keys, header values and bot tokens are stored
// encrypted with AES-256-GCM (NIST SP 800-38D; node:crypto), under a key kept OUTSIDE the database, so a
// copy of the database file or of a backup does not give them away (docs/deploy.md "Secrets at rest").
//
// Where the key comes from, first match wins:
//   1. StoreOptions.secretKey (tests, embedding);
//   2. $PERISAI_SECRET_KEY: base64 (or hex) of 32 random bytes; several, comma-separated, while rotating
//      (the first encrypts, all decrypt);
//   3. the key file: StoreOptions.secretKeyFile, else $PERISAI_SECRET_KEY_FILE, else `secret.key` beside
//      the SQLite database file (always beside the file, so every command that opens that database finds
//      the same key) or, for PostgreSQL, in the data directory ($PERISAI_DATA_DIR). One base64 key per
//      line, the first encrypts. It is created at the first secret to store: mode 0600, in a directory
//      created 0700.
// A sealed value is "perisai-secret:v1:<key id>:<iv>:<ciphertext>:<tag>" (base64url; key id = the first
// 8 bytes of the key's SHA-256, hex): the key that sealed it is found by id, so values sealed under an
// older key still open while a rotation is under way. The associated data binds a value to its row and
// field, so a sealed value copied into another channel or field does not open.

import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { chownSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, statSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PerisaiError } from '../domain/errors.js';

const PREFIX = 'perisai-secret:v1:';

export interface SecretKeyOptions {
  /** The key itself (32 bytes, or base64/hex of them); wins over everything else. */
  readonly secretKey?: Buffer | string;
  /** The key file to use instead of the default one. */
  readonly secretKeyFile?: string;
}

/** Where the keys come from, for messages and `perisai secrets status`. */
export type KeySource = { readonly kind: 'option' } | { readonly kind: 'env' } | { readonly kind: 'file'; readonly path: string } | { readonly kind: 'ephemeral' };

function parseKey(text: string, where: string): Buffer {
  const t = text.trim();
  const b = /^[0-9a-f]{64}$/i.test(t) ? Buffer.from(t, 'hex') : Buffer.from(t, 'base64');
  if (b.length !== 32) {
    throw new PerisaiError('E_VALIDATION', `the secret key in ${where} is not 32 bytes of base64 or hex (generate one with: openssl rand -base64 32)`, { field: 'secretKey' });
  }
  return b;
}

function fileStamp(path: string): string {
  try {
    const st = statSync(path);
    return `${st.ino}:${st.size}:${st.mtimeMs}`;
  } catch {
    return '';
  }
}

function keyId(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 16);
}

/**
 * Write `text` to `path` atomically (temp file, fsync, rename) with mode 0600, creating its directory 0700.
 * Run as root beside a file the service user owns (`ownerOf`: a cron job, an administrator's shell), the
 * new file is given to that user, or the service could not read its own key.
 */
export function writePrivateFile(path: string, text: string | Buffer, ownerOf?: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, typeof text === 'string' ? Buffer.from(text) : text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  if (ownerOf !== undefined && process.getuid?.() === 0 && existsSync(ownerOf)) {
    const st = statSync(ownerOf);
    if (st.uid !== 0) chownSync(tmp, st.uid, st.gid);
  }
  renameSync(tmp, path);
}

export class SecretBox {
  readonly #opts: SecretKeyOptions;
  readonly #defaultFile: string | undefined;
  readonly #env: NodeJS.ProcessEnv;
  readonly #ownerOf: string | undefined;
  #keys: Buffer[] | undefined;
  /** The key file as last read (inode, size, mtime): another process's rotation rewrites it, and we read it again. */
  #stamp = '';

  /**
   * `defaultFile`: the key file when neither an option nor the environment names one; undefined = an
   * ephemeral key (in-memory databases). `ownerOf`: the database file or data directory whose owner a
   * key file created by root is given to.
   */
  constructor(opts: SecretKeyOptions, defaultFile: string | undefined, env: NodeJS.ProcessEnv = process.env, ownerOf?: string) {
    this.#opts = opts;
    this.#defaultFile = defaultFile;
    this.#env = env;
    this.#ownerOf = ownerOf;
  }

  get source(): KeySource {
    if (this.#opts.secretKey !== undefined) return { kind: 'option' };
    if (this.#opts.secretKeyFile === undefined && (this.#env.PERISAI_SECRET_KEY ?? '') !== '') return { kind: 'env' };
    const path = this.#opts.secretKeyFile ?? (this.#env.PERISAI_SECRET_KEY_FILE || undefined) ?? this.#defaultFile;
    return path === undefined ? { kind: 'ephemeral' } : { kind: 'file', path };
  }

  /** Where the key is, in words (messages). */
  describe(): string {
    const s = this.source;
    return s.kind === 'file' ? `the key file ${s.path}` : s.kind === 'env' ? 'PERISAI_SECRET_KEY' : s.kind === 'option' ? 'the configured key' : 'an in-memory key';
  }

  /** The keys, the current (encrypting) one first; `create`: make the key file when there is none. */
  #load(create: boolean): Buffer[] {
    const s = this.source;
    if (this.#keys !== undefined && s.kind === 'file' && fileStamp(s.path) !== this.#stamp) this.#keys = undefined; // rotated by another process
    if (this.#keys !== undefined) return this.#keys;
    if (s.kind === 'option') {
      const k = this.#opts.secretKey!;
      this.#keys = [Buffer.isBuffer(k) ? (k.length === 32 ? k : parseKey(k.toString(), 'the secretKey option')) : parseKey(k, 'the secretKey option')];
    } else if (s.kind === 'env') {
      this.#keys = this.#env.PERISAI_SECRET_KEY!.split(',').filter((x) => x.trim() !== '').map((x) => parseKey(x, 'PERISAI_SECRET_KEY'));
    } else if (s.kind === 'ephemeral') {
      this.#keys = [randomBytes(32)];
    } else if (existsSync(s.path)) {
      let text: string;
      try {
        text = readFileSync(s.path, 'utf8');
      } catch (e) {
        throw new PerisaiError('E_STORAGE', `cannot read the secret key file ${s.path} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { path: s.path }, { cause: e });
      }
      this.#keys = text.split('\n').filter((l) => l.trim() !== '').map((l) => parseKey(l, s.path));
      if (this.#keys.length === 0) throw new PerisaiError('E_STORAGE', `the secret key file ${s.path} is empty`, { path: s.path });
      this.#stamp = fileStamp(s.path);
    } else {
      if (!create) return [];
      const key = randomBytes(32);
      writePrivateFile(s.path, `${key.toString('base64')}\n`, this.#ownerOf);
      this.#keys = [key];
      this.#stamp = fileStamp(s.path);
    }
    return this.#keys;
  }

  /** The id of the key that seals new values (creating the key file if needed). */
  currentKeyId(): string {
    return keyId(this.#load(true)[0]!);
  }

  /** Every key this box can open with, current first. */
  keyIds(): string[] {
    return this.#load(false).map(keyId);
  }

  static isSealed(v: unknown): v is string {
    return typeof v === 'string' && v.startsWith(PREFIX);
  }

  /** The key id a sealed value names. */
  static keyIdOf(sealed: string): string {
    return sealed.slice(PREFIX.length).split(':')[0] ?? '';
  }

  seal(plain: string, aad: string): string {
    const key = this.#load(true)[0]!;
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', key, iv);
    c.setAAD(Buffer.from(aad));
    const ct = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
    return `${PREFIX}${keyId(key)}:${iv.toString('base64url')}:${ct.toString('base64url')}:${c.getAuthTag().toString('base64url')}`;
  }

  open(sealed: string, aad: string, what: string): string {
    const [kid, iv, ct, tag] = sealed.slice(PREFIX.length).split(':');
    const key = this.#load(false).find((k) => keyId(k) === kid);
    if (key === undefined || iv === undefined || ct === undefined || tag === undefined) {
      throw new PerisaiError('E_STORAGE', `${what} was encrypted with a key (id ${kid ?? '?'}) that ${this.describe()} does not hold: restore the key file that was used (or set PERISAI_SECRET_KEY), or enter the secret again`, { keyId: kid ?? null });
    }
    try {
      const d = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      d.setAAD(Buffer.from(aad));
      d.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([d.update(Buffer.from(ct, 'base64url')), d.final()]).toString('utf8');
    } catch (e) {
      throw new PerisaiError('E_STORAGE', `${what} does not decrypt with ${this.describe()}: it was altered, or belongs to another row`, { keyId: kid }, { cause: e });
    }
  }

  /**
   * Rotation, step 1 (key file only): a new key becomes the current one, the old ones stay for opening.
   * Returns the new key's id. With the key in the environment the operator puts the new key first in
   * PERISAI_SECRET_KEY instead, and nothing is written here.
   */
  addKey(): string {
    const s = this.source;
    if (s.kind !== 'file') throw new PerisaiError('E_VALIDATION', `the key comes from ${this.describe()}, not a key file: put a new key first in PERISAI_SECRET_KEY (openssl rand -base64 32), keep the old one after a comma, and run the rotation again`, { field: 'secretKey' });
    const keys = [randomBytes(32), ...this.#load(true)];
    writePrivateFile(s.path, keys.map((k) => `${k.toString('base64')}\n`).join(''), this.#ownerOf);
    this.#keys = keys;
    this.#stamp = fileStamp(s.path);
    return keyId(keys[0]!);
  }

  /** Rotation, last step (key file only): keep just the current key. */
  dropOldKeys(): void {
    const s = this.source;
    if (s.kind !== 'file') return;
    const [current] = this.#load(true);
    writePrivateFile(s.path, `${current!.toString('base64')}\n`, this.#ownerOf);
    this.#keys = [current!];
    this.#stamp = fileStamp(s.path);
  }
}

/** The default key file of a store location: beside the SQLite file, or in the data directory for PostgreSQL; none for :memory:. */
export function defaultKeyFile(location: { kind: 'sqlite'; path: string } | { kind: 'postgres' }, dataDir: string): string | undefined {
  if (location.kind === 'sqlite') return location.path === ':memory:' ? undefined : join(dirname(location.path), 'secret.key');
  return join(dataDir, 'secret.key');
}
