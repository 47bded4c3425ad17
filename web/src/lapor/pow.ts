// The public form's proof of work, solved in the browser (docs/incidents.md "Abuse resistance";
// src/api/pow.ts issues it with altcha-lib v2): the server publishes the first half of
// SHA-256(salt ‖ nonce ‖ counter as 4 bytes big-endian) for a secret counter (deterministic mode), and the
// browser counts from 0 until a key starts with that prefix — the same derivation as altcha-lib's
// `deriveKey` (algorithms/sha.ts: `cost` rounds, the key cut to `keyLength`) and its uint32 counter
// (pow.ts PasswordBuffer). Hashing uses Web Crypto in batches (one digest call per counter, awaited
// together); a page served over plain http on a LAN address has no `crypto.subtle` (secure contexts
// only), so a small SHA-256 in script (sha256.ts) takes over there.
import { sha256 } from './sha256.js';

export interface Challenge { readonly parameters: Record<string, unknown>; readonly signature?: string; readonly disabled?: boolean }
export interface Solved { readonly challenge: Challenge; readonly solution: { readonly counter: number; readonly derivedKey: string } }

function hex(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += x.toString(16).padStart(2, '0');
  return s;
}

function unhex(s: string): Uint8Array {
  const out = new Uint8Array(s.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(s.slice(i * 2, i * 2 + 2), 16);
  return out;
}

type Digest = (data: Uint8Array) => Promise<Uint8Array>;

const subtleDigest: Digest | null = typeof crypto !== 'undefined' && crypto.subtle !== undefined
  ? async (data) => new Uint8Array(await crypto.subtle.digest('SHA-256', data as Uint8Array<ArrayBuffer>))
  : null;
const scriptDigest: Digest = (data) => Promise.resolve(sha256(data));

/** The key for one counter: `cost` rounds of SHA-256 over salt ‖ nonce ‖ counter, cut to `keyLength`. */
export async function deriveKey(digest: Digest, salt: Uint8Array, nonce: Uint8Array, counter: number, cost: number, keyLength: number): Promise<Uint8Array> {
  const data = new Uint8Array(salt.length + nonce.length + 4);
  data.set(salt, 0);
  data.set(nonce, salt.length);
  new DataView(data.buffer).setUint32(salt.length + nonce.length, counter, false);
  let key = await digest(data);
  for (let i = 1; i < Math.max(1, cost); i++) key = await digest(key);
  return key.slice(0, keyLength);
}

const BATCH = 250;
/** A counter the solver gives up at (the server draws at most 60 000; altcha-lib's counters are uint32). */
const LIMIT = 5_000_000;

/**
 * Find the counter; `onProgress(tried)` after each batch; stops (null) when `signal` aborts. Throws when
 * the challenge is not SHA-256 or has no prefix (nothing the form can solve).
 */
export async function solve(challenge: Challenge, onProgress: (tried: number) => void, signal: AbortSignal, digest: Digest | null = subtleDigest): Promise<Solved | null> {
  const p = challenge.parameters;
  if (p['algorithm'] !== 'SHA-256' || typeof p['keyPrefix'] !== 'string' || typeof p['nonce'] !== 'string' || typeof p['salt'] !== 'string') throw new Error('unsupported challenge');
  const prefix = p['keyPrefix'].toLowerCase();
  const salt = unhex(p['salt']);
  const nonce = unhex(p['nonce']);
  const cost = typeof p['cost'] === 'number' ? p['cost'] : 1;
  const keyLength = typeof p['keyLength'] === 'number' ? p['keyLength'] : 32;
  const d = digest ?? scriptDigest;
  for (let start = 0; start < LIMIT; start += BATCH) {
    if (signal.aborted) return null;
    const keys = await Promise.all(Array.from({ length: BATCH }, (_, i) => deriveKey(d, salt, nonce, start + i, cost, keyLength)));
    for (let i = 0; i < keys.length; i++) {
      const h = hex(keys[i]!);
      if (h.startsWith(prefix)) return { challenge, solution: { counter: start + i, derivedKey: h } };
    }
    onProgress(start + BATCH);
  }
  return null;
}
