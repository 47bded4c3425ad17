// Seeded pseudo-random permutation of [0, n), n <= 2^52, with O(1) memory.
//
// Why: the scanner walks probe indexes i = 0 .. hosts*ports-1 and maps x = perm.at(i) to
// (host = x % hosts, port = floor(x / hosts)). Visiting x in a shuffled order spreads the probes of
// one host and one subnet over the whole scan, which is kinder to targets and IDS-friendly, and a
// bijection guarantees every (host, port) pair is probed exactly once with nothing stored.
//
// How: the construction of masscan's "blackrock" (Robert Graham, after Black & Rogaway,
// "Ciphers with Arbitrary Finite Domains", CT-RSA 2002): an unbalanced Feistel network over a
// mixed-radix split of the domain, plus cycle-walking.
//  - Choose a = ceil(sqrt(n)), b = ceil(n / a), so a*b >= n and a*b - n < a.
//  - Write m = L + a*R with L in [0,a), R in [0,b). Each round replaces (L, R) by
//    (R, (L + F_j(R)) mod a) on odd rounds and mod b on even rounds; after an even number of
//    rounds the state has the original radixes again, so the result a*R + L is in [0, a*b).
//    Every round is invertible whatever F is, so the whole map is a bijection on [0, a*b).
//  - Cycle-walking: if the result is >= n, encrypt again. Following the cycle of a permutation of
//    [0, a*b) from a point in [0, n) must come back into [0, n), so this restricts it to a
//    bijection on [0, n); since a*b - n < a ~ sqrt(n), extra walks are rare (expected < 1 + 1/sqrt(n)).
//  - Four rounds (Luby-Rackoff's bound for a strong pseudo-random permutation), unrolled.
//  - F_j is a 32-bit integer hash (murmur3's finaliser) of R xor a per-round key from the seed.
//
// Numbers only in the hot path: a, b <= 2^26 + 1, so L, R < 2^27 fit 32-bit integer operations,
// L + F < 2^33 and a*R + L < 2^53 are exact doubles. No BigInt, no allocation per call.
// This is a shuffle, not cryptography: the order is not secret against an observer of probes.

/** Largest supported domain size. */
export const MAX_PERMUTATION_SIZE = 2 ** 52;

/** murmur3's 32-bit finaliser: a fast, well-mixing bijection on 32-bit integers. */
function fmix32(x: number): number {
  let h = x | 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) | 0;
}

/** Round key j from all 53 bits of the seed. */
function roundKey(seed: number, j: number): number {
  const lo = seed >>> 0;
  const hi = Math.floor(seed / 2 ** 32) >>> 0;
  return fmix32(fmix32(lo ^ Math.imul(j + 1, 0x9e3779b9)) ^ fmix32(hi + Math.imul(j + 1, 0x632be5ab)));
}

/** A random seed in [0, 2^53) from the platform CSPRNG. */
export function randomSeed(): number {
  const w = new Uint32Array(2);
  globalThis.crypto.getRandomValues(w);
  return (w[0] as number) * 2 ** 21 + ((w[1] as number) >>> 11);
}

export class Permutation {
  /** Domain size n: at(i) is defined for 0 <= i < n. */
  readonly size: number;
  readonly seed: number;
  private readonly a: number;
  private readonly b: number;
  private readonly k0: number;
  private readonly k1: number;
  private readonly k2: number;
  private readonly k3: number;

  constructor(size: number, seed: number = randomSeed()) {
    if (!Number.isInteger(size) || size < 0 || size > MAX_PERMUTATION_SIZE) {
      throw new RangeError(`permutation size must be an integer from 0 to 2^52, got ${size}`);
    }
    if (!Number.isSafeInteger(seed) || seed < 0) {
      throw new RangeError(`permutation seed must be a non-negative safe integer, got ${seed}`);
    }
    this.size = size;
    this.seed = seed;
    let a = Math.max(1, Math.ceil(Math.sqrt(size)));
    while (a * a < size) a++; // guard against sqrt rounding
    this.a = a;
    this.b = Math.max(1, Math.ceil(size / a));
    this.k0 = roundKey(seed, 0);
    this.k1 = roundKey(seed, 1);
    this.k2 = roundKey(seed, 2);
    this.k3 = roundKey(seed, 3);
  }

  /** Round function: 32-bit hash of r under key k (murmur3 fmix32), unsigned. */
  private static f(r: number, k: number): number {
    let h = Math.imul(r ^ k, 0x9e3779b1);
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    return (h ^ (h >>> 16)) >>> 0;
  }

  /** The Feistel bijection on [0, a*b): four rounds, radix a, b, a, b. */
  private encrypt(m: number): number {
    const a = this.a;
    const b = this.b;
    let l = m % a;
    let r = (m - l) / a;
    let t = (l + Permutation.f(r, this.k0)) % a;
    l = r;
    r = t;
    t = (l + Permutation.f(r, this.k1)) % b;
    l = r;
    r = t;
    t = (l + Permutation.f(r, this.k2)) % a;
    l = r;
    r = t;
    t = (l + Permutation.f(r, this.k3)) % b;
    l = r;
    r = t;
    return a * r + l;
  }

  private decrypt(c: number): number {
    const a = this.a;
    const b = this.b;
    // Undo the final packing, then the rounds in reverse: before a round, R' = L and
    // L' = (R - F(L)) mod m, with m = b for even rounds and a for odd ones.
    let l = c % a;
    let r = (c - l) / a;
    let t = (r - (Permutation.f(l, this.k3) % b) + b) % b;
    r = l;
    l = t;
    t = (r - (Permutation.f(l, this.k2) % a) + a) % a;
    r = l;
    l = t;
    t = (r - (Permutation.f(l, this.k1) % b) + b) % b;
    r = l;
    l = t;
    t = (r - (Permutation.f(l, this.k0) % a) + a) % a;
    r = l;
    l = t;
    return a * r + l;
  }

  /** The i-th element of the permutation (0 <= i < size). */
  at(i: number): number {
    if (!(i >= 0 && i < this.size) || i !== Math.floor(i)) {
      throw new RangeError(`permutation index ${i} outside 0..${this.size - 1}`);
    }
    const n = this.size;
    let c = this.encrypt(i);
    while (c >= n) c = this.encrypt(c);
    return c;
  }

  /** Inverse of at(): the index i with at(i) === x. */
  indexOf(x: number): number {
    if (!(x >= 0 && x < this.size) || x !== Math.floor(x)) {
      throw new RangeError(`permutation value ${x} outside 0..${this.size - 1}`);
    }
    const n = this.size;
    let m = this.decrypt(x);
    while (m >= n) m = this.decrypt(m);
    return m;
  }
}
