// The bench's address maths is the engine's target parser (bench/truth.ts over src/engine/targets).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { personaAddresses, v4Block } from './truth.js';
import type { SmbPersona } from './truth.js';

test('blocks: a CIDR (host bits ignored, as nmap reads it) or one address', () => {
  assert.deepEqual(v4Block('198.18.0.0/15'), { family: 4, start: 0xc6120000, end: 0xc613ffff });
  assert.deepEqual(v4Block('198.19.64.70/26'), { family: 4, start: 0xc6134040, end: 0xc613407f });
  assert.deepEqual(v4Block('127.0.0.1'), { family: 4, start: 0x7f000001, end: 0x7f000001 });
  assert.throws(() => v4Block('2001:db8::/120'), /bad IPv4 block/);
  assert.throws(() => v4Block('198.18.0.0/33'));
});

test('a persona\'s addresses: every address of its /26, in order', () => {
  const a = personaAddresses({ cidr: '198.19.64.64/26' } as SmbPersona);
  assert.equal(a.length, 64);
  assert.equal(a[0], '198.19.64.64');
  assert.equal(a[1], '198.19.64.65');
  assert.equal(a[63], '198.19.64.127');
});
