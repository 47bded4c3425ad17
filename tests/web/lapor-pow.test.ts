// The public form's proof of work as the browser solves it (web/src/lapor/pow.ts): the script SHA-256
// used where Web Crypto is missing agrees with node:crypto, and a challenge issued by altcha-lib the way
// src/api/pow.ts issues it is solved — with Web Crypto and with the script hash — into a solution
// altcha-lib verifies.

import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { test } from 'node:test';
import fc from 'fast-check';
import { createChallenge, verifySolution } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/sha';
import { solve } from '../../web/src/lapor/pow.js';
import type { Challenge } from '../../web/src/lapor/pow.js';
import { sha256 } from '../../web/src/lapor/sha256.js';

test('script SHA-256 equals node:crypto for every length around the block boundaries and random data', () => {
  for (let n = 0; n <= 200; n++) {
    const data = randomBytes(n);
    assert.equal(Buffer.from(sha256(data)).toString('hex'), createHash('sha256').update(data).digest('hex'), `length ${n}`);
  }
  fc.assert(fc.property(fc.uint8Array({ maxLength: 3000 }), (data) => Buffer.from(sha256(data)).toString('hex') === createHash('sha256').update(data).digest('hex')));
  assert.equal(Buffer.from(sha256(new TextEncoder().encode('abc'))).toString('hex'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad', 'FIPS 180-4 example');
});

test('an altcha-lib challenge (deterministic counter, signed key) is solved with Web Crypto and with the script hash, and verifies', async () => {
  const secret = 'geheim-pow-uji';
  for (const digest of ['web-crypto', 'script'] as const) {
    const counter = 1234 + (digest === 'script' ? 777 : 0);
    const c = await createChallenge({ algorithm: 'SHA-256', cost: 1, counter, deriveKey, expiresAt: new Date(Date.now() + 60_000), hmacSignatureSecret: secret, hmacKeySignatureSecret: `${secret}:key` });
    const seen: number[] = [];
    const solved = await solve(c as unknown as Challenge, (n) => seen.push(n), new AbortController().signal, digest === 'script' ? null : undefined);
    assert.ok(solved !== null, digest);
    assert.equal(solved.solution.counter, counter, digest);
    assert.ok(seen.length > 0 && seen.every((n, i) => i === 0 || n > seen[i - 1]!), 'progress rises');
    const r = await verifySolution({ challenge: c, solution: solved.solution, deriveKey, hmacSignatureSecret: secret, hmacKeySignatureSecret: `${secret}:key` });
    assert.equal(r.verified, true, `${digest}: ${JSON.stringify(r)}`);
  }
});

test('solving stops when aborted, and refuses a challenge that is not SHA-256', async () => {
  const c = await createChallenge({ algorithm: 'SHA-256', cost: 1, counter: 4_000_000, deriveKey, hmacSignatureSecret: 'x'.repeat(16) });
  const ctl = new AbortController();
  const run = solve(c as unknown as Challenge, () => ctl.abort(), ctl.signal);
  assert.equal(await run, null);
  await assert.rejects(solve({ parameters: { algorithm: 'PBKDF2/SHA-256', keyPrefix: '00', nonce: '00', salt: '00' } }, () => undefined, new AbortController().signal), /unsupported/);
});
