// Login throttling that protects an account without letting a stranger lock its owner out (OWASP
// Authentication Cheat Sheet, "Login Throttling"; ASVS 4.0 V2.2.1: anti-automation "without locking out
// the legitimate user"). Three subjects, counted in the database (store/repos/sessions.ts):
//
//   (account, client address)  after `maxFailures` failures that pair is locked for `lockMs`, each further
//                              lock twice as long, at most `maxLockMs`. Only this client is locked out of
//                              this account: the owner at another address is not, and this client can try
//                              again once the (bounded) lock ends.
//   account                    after `freeFailures` failures from anywhere, every attempt on the account
//                              waits `baseDelayMs`, doubling per further failure, at most `maxDelayMs`,
//                              before the password is checked — the same wait whatever the password, so the
//                              wait says nothing about it. A distributed guesser is slowed; the owner still
//                              gets in, after a few seconds at worst.
//   client address             the same slowdown over all accounts tried from one address (password
//                              spraying), with a higher allowance: an office behind one NAT address shares it.
//
// The client address is `request.ip`: the real client behind a proxy listed in `--trust-proxy`
// (transport.ts), the proxy itself otherwise.

import type { ThrottlePolicy, ThrottleState } from '../store/repos/sessions.js';
import type { Store } from '../store/index.js';

export interface SlowdownPolicy {
  /** Failures in the window that cost nothing. */
  readonly freeFailures: number;
  /** Failures are forgotten once this long has passed since the last one. */
  readonly windowMs: number;
  /** The wait after the first failure past the free ones; doubled for each further failure. */
  readonly baseDelayMs: number;
  /** The longest wait. */
  readonly maxDelayMs: number;
}

export interface LoginThrottle {
  /** Per (account, client address): a lock of growing, bounded length. */
  readonly perClient: Required<ThrottlePolicy>;
  /** Per account, from every address: a growing, bounded wait before the password is checked. */
  readonly perAccount: SlowdownPolicy;
  /** Per client address, over every account: the same wait (password spraying). */
  readonly perAddress: SlowdownPolicy;
}

const MIN = 60_000;

/**
 * 5 failures from one address lock that address out of that account for 1 minute, then 2, 4, 8, 15 at
 * most; past 5 failures on an account from anywhere, and past 50 from one address, each attempt waits
 * 0.25 s, 0.5 s, 1 s, 2 s, then 4 s at most.
 */
export const DEFAULT_LOGIN_THROTTLE: LoginThrottle = {
  perClient: { maxFailures: 5, windowMs: 15 * MIN, lockMs: MIN, maxLockMs: 15 * MIN },
  perAccount: { freeFailures: 5, windowMs: 15 * MIN, baseDelayMs: 250, maxDelayMs: 4000 },
  perAddress: { freeFailures: 50, windowMs: 15 * MIN, baseDelayMs: 250, maxDelayMs: 4000 },
};

/** How long housekeeping keeps a throttle row after its last failure and lock: the longest window of `t`. */
export function throttleKeepMs(t: LoginThrottle): number {
  return [t.perClient.windowMs, t.perAccount.windowMs, t.perAddress.windowMs].reduce((a, b) => Math.max(a, b), 0);
}

/** The wait before an attempt on a subject with `failures` counting (0 within the free allowance). */
export function slowdownMs(p: SlowdownPolicy, failures: number): number {
  if (failures < p.freeFailures) return 0;
  return Math.min(p.maxDelayMs, p.baseDelayMs * 2 ** Math.min(failures - p.freeFailures, 30));
}

/** The subject keys of one attempt. A space never occurs in an address, so the pair key is unambiguous. */
export function throttleKeys(account: string, ip: string): { client: string; account: string; address: string } {
  return { client: `client:${ip} ${account}`, account: `account:${account}`, address: `ip:${ip}` };
}

export type ThrottleKeys = ReturnType<typeof throttleKeys>;

/** Before the password is checked: a running lock of this (account, client) pair, else the wait to impose. */
export async function beforeAttempt(store: Store, t: LoginThrottle, keys: ThrottleKeys): Promise<{ lockedUntil: string } | { waitMs: number }> {
  const state = await store.loginThrottle.state([
    { key: keys.client, windowMs: t.perClient.windowMs },
    { key: keys.account, windowMs: t.perAccount.windowMs },
    { key: keys.address, windowMs: t.perAddress.windowMs },
  ]);
  const of = (k: string): ThrottleState => state.get(k) ?? { failures: 0, lockedUntil: undefined };
  const lockedUntil = of(keys.client).lockedUntil;
  if (lockedUntil !== undefined) return { lockedUntil };
  return { waitMs: Math.max(slowdownMs(t.perAccount, of(keys.account).failures), slowdownMs(t.perAddress, of(keys.address).failures)) };
}

/** After a wrong password: count it for all three subjects; returns the lock it set on the pair, if any. */
export function recordFailure(store: Store, t: LoginThrottle, keys: ThrottleKeys): Promise<string | undefined> {
  return store.loginThrottle.fail([
    { key: keys.client, policy: t.perClient },
    { key: keys.account, policy: { windowMs: t.perAccount.windowMs } },
    { key: keys.address, policy: { windowMs: t.perAddress.windowMs } },
  ]);
}

/**
 * One login attempt at a time per (account, client address) in this process: a burst of parallel guesses
 * from one client is checked one by one, so the pair's lock stops it at `maxFailures` instead of every
 * guess in the burst reading the count before any was recorded. Other clients never wait in this line.
 */
export class PairQueue {
  readonly #tails = new Map<string, Promise<void>>();

  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const before = this.#tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((r) => (release = r));
    const tail = before.then(() => mine);
    this.#tails.set(key, tail);
    await before;
    try {
      return await work();
    } finally {
      release();
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    }
  }
}
