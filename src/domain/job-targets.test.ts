// Every form a person may type becomes CIDR blocks that the store takes (domain/ip.ts parseCidr), that a
// worker rebuilds into the same addresses (jobTargetSet) and the same scope (Scope.fromSpecs,
// src/worker/worker.ts) as the typed specs themselves, in the fewest blocks.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { buildTargetSet, formatIPv4, rangeSetFromSpecs, Scope, TargetSpecError } from '../engine/targets/index.js';
import type { RangeSet } from '../engine/targets/index.js';
import { parseCidr } from './ip.js';
import { jobTargetBlocks, jobTargetSet, parseTypedTargets, rangeBlocks } from './job-targets.js';

const text = (s: RangeSet): string => JSON.stringify(s, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));

/** The specs → blocks → (store, worker) round trip: same addresses, same scope, every block a clean CIDR. */
async function roundTrip(specs: readonly string[]): Promise<string[]> {
  const blocks = jobTargetBlocks(specs.flatMap(parseTypedTargets));
  for (const b of blocks) assert.equal(parseCidr(b, 'targets').text, b, `${b} is stored as written`);
  const typed = await buildTargetSet([...specs], { resolve: () => Promise.reject(new Error('no DNS')) });
  const rebuilt = await jobTargetSet(blocks);
  assert.equal(text(rebuilt.rangeSet), text(typed.rangeSet), `${specs.join(' ')} → ${blocks.join(' ')}`);
  assert.equal(rebuilt.size, typed.size);
  assert.equal(text(Scope.fromSpecs(blocks).allowList), text(rangeSetFromSpecs(specs)));
  return blocks;
}

describe('job targets from typed specs', () => {
  it('takes every form of perisai scan but host names, and stores the fewest CIDR blocks', async () => {
    assert.deepEqual(await roundTrip(['127.0.0.1']), ['127.0.0.1/32']);
    assert.deepEqual(await roundTrip(['127.0.0.0/24']), ['127.0.0.0/24']);
    assert.deepEqual(await roundTrip(['127.0.0.1-127.0.0.6']), ['127.0.0.1/32', '127.0.0.2/31', '127.0.0.4/31', '127.0.0.6/32']);
    assert.deepEqual(await roundTrip(['127.0.0.8-15']), ['127.0.0.8/29']);
    assert.deepEqual(await roundTrip(['127.0.0.250-127.0.1.5']), ['127.0.0.250/31', '127.0.0.252/30', '127.0.1.0/30', '127.0.1.4/31']);
    assert.equal((await roundTrip(['10.1-3.0.1-254'])).length, 3 * 14);
    assert.deepEqual(await roundTrip(['127.0.1,3.*']), ['127.0.1.0/24', '127.0.3.0/24']);
    assert.deepEqual(await roundTrip(['127.0.0.1,2']), ['127.0.0.1/32', '127.0.0.2/32']);
    // Overlapping and adjacent specs merge: 0-127 and 128-255 are one /24.
    assert.deepEqual(await roundTrip(['127.0.0.0/25', '127.0.0.128-255', '127.0.0.7']), ['127.0.0.0/24']);
    assert.deepEqual(await roundTrip(['::1', '[2001:db8::]/120', '2001:db8::1:0-ff']), ['::1/128', '2001:db8::/120', '2001:db8::1:0/120']);
    // IPv4-mapped IPv6 is folded into IPv4, as the engine does: one host, one spelling.
    assert.deepEqual(await roundTrip(['::ffff:127.0.0.1']), ['127.0.0.1/32']);
    assert.deepEqual(await roundTrip(['0.0.0.0/0']), ['0.0.0.0/0']);
  });

  it('splits a comma list as the CLI splits an argument, and refuses host names and bad specs naming them', () => {
    assert.deepEqual(parseTypedTargets('127.0.0.1,127.0.0.5-9').map((t) => t.spec), ['127.0.0.1', '127.0.0.5-9']);
    for (const [bad, token] of [['localhost', 'localhost'], ['127.0.0.1,localhost', 'localhost'], ['127.0.0.9-3', '127.0.0.9-3'], ['127.1', '127.1'], ['2001:db8::/64', '2001:db8::/64']] as const) {
      assert.throws(() => parseTypedTargets(bad), (e: unknown) => e instanceof TargetSpecError && e.token === token, bad);
    }
  });

  it('covers any IPv4 range exactly with aligned blocks, at most 62 of them', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 0xffff_ffff }), fc.integer({ min: 0, max: 0xffff_ffff }), (x, y) => {
      const [start, end] = x <= y ? [x, y] : [y, x];
      const blocks = rangeBlocks({ family: 4, start, end });
      assert.ok(blocks.length <= 62);
      let next = start;
      for (const b of blocks) {
        const c = parseCidr(b);
        assert.equal(Number(c.first), next, `${formatIPv4(start)}-${formatIPv4(end)}: ${b} starts where the previous ended`);
        next = Number(c.last) + 1;
      }
      assert.equal(next, end + 1);
    }), { numRuns: 300 });
  });
});
