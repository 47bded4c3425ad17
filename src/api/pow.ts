// The public form's proof of work (docs/incidents.md "Abuse resistance"): a self-hosted ALTCHA challenge
// (altcha-lib v2, no third-party service). The server picks a secret counter in [min, max] and publishes
// the SHA-256 prefix of (salt ‖ nonce ‖ counter); the browser counts up until it finds it — about `counter`
// hashes, a second or two on a cheap phone, done while the person fills in the form — and sends the
// counter and key back. Verification is one HMAC: the challenge is signed (tamper-proof), the derived key
// is signed too (deterministic mode, so the server need not hash again), and it expires.
// A solved challenge buys ONE report: its signature is recorded (pow_spent) and a replay is refused.
//
// The HMAC secrets are per process unless configured: restarting the server invalidates outstanding
// challenges (the form simply fetches a new one). Expiry is wall-clock time, like altcha-lib's own check:
// a challenge is a transport token, not a business date.

import { randomBytes } from 'node:crypto';
import { createChallenge, randomInt, verifySolution } from 'altcha-lib';
import type { Challenge, Solution } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/sha';
import type { Store } from '../store/index.js';
import { ApiError } from './errors.js';

export interface PowOptions {
  /** Range of the secret counter: the expected work in SHA-256 computations. */
  readonly minCounter: number;
  readonly maxCounter: number;
  /** How long a challenge may be solved and used. */
  readonly ttlMs: number;
  /** HMAC secret (default: random per process). */
  readonly secret?: string;
}

/** 20k–60k hashes: well under a second on a laptop, a few seconds on a cheap phone, in the background. */
export const DEFAULT_POW: PowOptions = { minCounter: 20_000, maxCounter: 60_000, ttlMs: 20 * 60_000 };

function refused(en: string, id: string, reason: string): ApiError {
  return new ApiError('E_FORBIDDEN', { en, id }, { field: 'altcha', reason });
}

export class ProofOfWork {
  readonly #o: PowOptions;
  readonly #secret: string;
  readonly #keySecret: string;
  readonly #store: Store;

  constructor(store: Store, o: PowOptions = DEFAULT_POW) {
    if (!(Number.isInteger(o.minCounter) && o.minCounter >= 1 && o.maxCounter >= o.minCounter && o.maxCounter < 2 ** 32)) throw new Error('proof of work: 1 ≤ minCounter ≤ maxCounter < 2^32');
    this.#o = o;
    this.#secret = o.secret ?? randomBytes(32).toString('hex');
    this.#keySecret = `${this.#secret}:key`;
    this.#store = store;
  }

  async challenge(): Promise<Challenge> {
    return createChallenge({
      algorithm: 'SHA-256', cost: 1, counter: randomInt(this.#o.minCounter, this.#o.maxCounter), deriveKey,
      expiresAt: new Date(Date.now() + this.#o.ttlMs), hmacSignatureSecret: this.#secret, hmacKeySignatureSecret: this.#keySecret,
    });
  }

  /**
   * Check a solution from the form (`altcha`: the {challenge, solution} object, or it as base64 JSON, as
   * the ALTCHA widget sends it) and spend it. Throws a bilingual 403 when it is missing, wrong, expired or
   * used before.
   */
  async verifyAndSpend(payload: unknown): Promise<void> {
    let p = payload;
    if (typeof p === 'string') {
      try {
        p = JSON.parse(Buffer.from(p, 'base64').toString('utf8'));
      } catch {
        p = undefined;
      }
    }
    const o = (p ?? {}) as { challenge?: Challenge; solution?: Solution };
    if (o.challenge?.parameters === undefined || typeof o.challenge.signature !== 'string' || o.solution === undefined || typeof o.solution.counter !== 'number') {
      throw refused('The form\'s security check is missing; reload the page and send again.', 'Pemeriksaan keamanan formulir tidak ada; muat ulang halaman lalu kirim lagi.', 'missing');
    }
    const expiresAt = o.challenge.parameters.expiresAt;
    if (typeof expiresAt !== 'number' || expiresAt * 1000 <= Date.now()) {
      throw refused('The form\'s security check has expired; reload the page and send again.', 'Pemeriksaan keamanan formulir sudah kedaluwarsa; muat ulang halaman lalu kirim lagi.', 'expired');
    }
    let ok = false;
    try {
      const r = await verifySolution({ challenge: o.challenge, solution: o.solution, deriveKey, hmacSignatureSecret: this.#secret, hmacKeySignatureSecret: this.#keySecret });
      ok = r.verified;
    } catch {
      ok = false;
    }
    if (!ok) throw refused('The form\'s security check failed; reload the page and send again.', 'Pemeriksaan keamanan formulir gagal; muat ulang halaman lalu kirim lagi.', 'invalid');
    if (!(await this.#store.incidents.spendPow(o.challenge.signature, new Date(expiresAt * 1000).toISOString()))) {
      throw refused('This form was already sent once; reload the page to send another report.', 'Formulir ini sudah pernah dikirim; muat ulang halaman untuk mengirim laporan lain.', 'replay');
    }
  }
}
