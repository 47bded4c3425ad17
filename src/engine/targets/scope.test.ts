import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { formatIPv4 } from './address.js';
import { TargetSpecError } from './errors.js';
import { assertTargetsInScope, checkTargetsInScope, NEVER_SCAN, Scope } from './scope.js';
import { buildTargetSet, type Resolver } from './spec.js';

const allowed = { allowed: true };

function refused(d: ReturnType<Scope['check']>, pattern: RegExp): void {
  assert.equal(d.allowed, false);
  if (!d.allowed) assert.match(d.reason, pattern);
}

describe('Scope.check', () => {
  const scope = Scope.fromSpecs(['127.0.0.0/8', '::1', '192.0.2.0/24', '198.18.0.5-198.18.0.9', '2001:db8::/32']);

  it('allows addresses inside the allow-list, loopback included', () => {
    for (const ip of ['127.0.0.1', '127.255.255.254', '::1', '192.0.2.0', '192.0.2.255', '198.18.0.5', '198.18.0.9', '2001:db8::', '2001:db8:ffff::1']) {
      assert.deepEqual(scope.check(ip), allowed, ip);
    }
  });

  it('judges IPv4-mapped IPv6 as the IPv4 address it names', () => {
    assert.deepEqual(scope.check('::ffff:192.0.2.7'), allowed);
    refused(scope.check('::ffff:198.51.100.7'), /^198\.51\.100\.7 is outside the scan scope$/);
  });

  it('refuses addresses outside, with the address in the reason', () => {
    for (const ip of ['198.18.0.4', '198.18.0.10', '203.0.113.1', '::2', '2001:db9::1']) {
      refused(scope.check(ip), /is outside the scan scope/);
    }
  });

  it('fails closed on garbage', () => {
    for (const s of ['', 'localhost', '192.0.2.256', '::1%lo', ' 127.0.0.1']) refused(scope.check(s), /is not an IP address/);
  });

  it('an empty scope allows nothing', () => {
    for (const s of [Scope.EMPTY, Scope.fromSpecs([]), Scope.parse('# nothing here\n\n')]) {
      assert.ok(s.isEmpty);
      refused(s.check('127.0.0.1'), /scope is empty/);
      refused(s.check('::1'), /scope is empty/);
      assert.match(s.describe(), /empty/);
    }
  });

  it('never scans the built-in special-purpose blocks, even when allowed', () => {
    const everything = Scope.fromSpecs(['0.0.0.0/0', '::/0']);
    assert.ok(!everything.isEmpty);
    const cases: Array<[string, RegExp]> = [
      ['0.0.0.0', /0\.0\.0\.0\/8.*this network/],
      ['0.1.2.3', /0\.0\.0\.0\/8/],
      ['224.0.0.1', /224\.0\.0\.0\/4.*multicast/],
      ['239.255.255.250', /multicast/],
      ['240.0.0.1', /240\.0\.0\.0\/4.*reserved/],
      ['255.255.255.255', /240\.0\.0\.0\/4.*broadcast/],
      ['::', /::\/128.*unspecified/],
      ['ff02::1', /ff00::\/8.*multicast/],
      ['100::1', /100::\/64.*discard/],
      ['::ffff:224.0.0.1', /multicast/],
      ['::ffff:0.0.0.0', /this network/],
    ];
    for (const [ip, pattern] of cases) refused(everything.check(ip), pattern);
    for (const ip of ['127.0.0.1', '::1', '10.0.0.1', '169.254.1.1', 'fe80::1', '192.0.2.1', '198.18.0.1', '223.255.255.255', '1.0.0.0']) {
      assert.deepEqual(everything.check(ip), allowed, ip);
    }
    assert.equal(NEVER_SCAN.length, 6);
  });

  it('agrees with a brute-force model on random addresses', () => {
    const base = 0xc6120000; // 198.18.0.0/15, RFC 2544
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 511 }), fc.integer({ min: 0, max: 64 })), { maxLength: 5 }),
        fc.integer({ min: 0, max: 600 }),
        (specs, probe) => {
          const s = Scope.fromSpecs(specs.map(([a, len]) => `${formatIPv4(base + a)}-${formatIPv4(base + Math.min(511, a + len))}`));
          const inside = specs.some(([a, len]) => probe >= a && probe <= Math.min(511, a + len));
          assert.equal(s.check(formatIPv4(base + probe)).allowed, inside);
        },
      ),
    );
  });
});

describe('Scope construction', () => {
  it('accepts any prefix size and describes itself', () => {
    const s = Scope.fromSpecs(['2001:db8::/32', '192.0.2.0/24', '198.18.0.1']);
    assert.equal(s.describe(), '192.0.2.0/24, 198.18.0.1, 2001:db8::/32');
    assert.deepEqual(s.specs, ['2001:db8::/32', '192.0.2.0/24', '198.18.0.1']);
  });

  it('refuses hostnames and bad specs with TargetSpecError naming them', () => {
    for (const [bad, pattern] of [
      ['www.example', /hostnames are not allowed here/],
      ['192.0.2.0/33', /prefix length/],
      ['192.0.2.9-1', /reversed/],
    ] as const) {
      assert.throws(
        () => Scope.fromSpecs(['127.0.0.1', bad]),
        (e: unknown) => e instanceof TargetSpecError && e.token === bad && pattern.test(e.message),
      );
    }
  });

  it('reads a scope file with comments, naming file:line on errors', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'perisai-scope-'));
    try {
      const good = join(dir, 'scope.conf');
      await writeFile(good, '# lab scope\n127.0.0.0/8   # loopback\n::1\n\n192.0.2.0/24\n');
      const s = await Scope.fromFile(good);
      assert.deepEqual(s.check('192.0.2.1'), allowed);
      assert.deepEqual(s.check('::1'), allowed);
      refused(s.check('198.51.100.1'), /outside/);

      const bad = join(dir, 'bad.conf');
      await writeFile(bad, '127.0.0.1\nnot_an_ip!\n');
      await assert.rejects(Scope.fromFile(bad), (e: unknown) =>
        e instanceof TargetSpecError && e.token === 'not_an_ip!' && e.message.startsWith(`${bad}:2: `),
      );
      await assert.rejects(Scope.fromFile(join(dir, 'missing.conf')), (e: unknown) =>
        e instanceof TargetSpecError && /cannot read/.test(e.message),
      );
      assert.throws(() => Scope.parse('192.0.2.0/24\n10.0.0.300\n', 'inline'), /^TargetSpecError: inline:2: /);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('checkTargetsInScope', () => {
  const scope = Scope.fromSpecs(['127.0.0.0/8', '::1', '198.18.0.0/24']);

  it('reports in-scope sets', async () => {
    const set = await buildTargetSet(['127.0.0.1-127.0.0.9', '198.18.0.0/25', '::1']);
    assert.deepEqual(checkTargetsInScope(set, scope), { inScope: true });
    assert.doesNotThrow(() => assertTargetsInScope(set, scope));
  });

  it('finds the first out-of-scope host and counts the rest without walking addresses', async () => {
    const set = await buildTargetSet(['198.18.0.250-198.18.1.10', '0.0.0.0/0']);
    const cov = checkTargetsInScope(set, scope);
    assert.equal(cov.inScope, false);
    if (cov.inScope) return;
    assert.deepEqual(cov.first, { ip: '0.0.0.0', family: 4 });
    assert.equal(cov.index, 0);
    assert.match(cov.reason, /never scans/);
    assert.equal(cov.outside, 2 ** 32 - (2 ** 24 + 256));
    assert.match(cov.message, /^4,278,189,824 of 4,294,967,296 targets are out of scope; first: 0\.0\.0\.0 is in 0\.0\.0\.0\/8/);
  });

  it('names the hostname of a target that resolved out of scope', async () => {
    const resolve: Resolver = async () => ['127.0.0.1', '203.0.113.5'];
    const set = await buildTargetSet(['moved.example'], { resolve });
    const cov = checkTargetsInScope(set, scope);
    assert.equal(cov.inScope, false);
    if (cov.inScope) return;
    assert.deepEqual(cov.first, { ip: '203.0.113.5', family: 4, hostname: 'moved.example' });
    assert.equal(cov.outside, 1);
    assert.throws(
      () => assertTargetsInScope(set, scope),
      (e: unknown) =>
        e instanceof TargetSpecError &&
        e.token === 'moved.example' &&
        /1 of 2 targets are out of scope; first: 203\.0\.113\.5 is outside the scan scope \(resolved from moved\.example\)/.test(e.message),
    );
  });

  it('reports every target when the scope is empty', async () => {
    const set = await buildTargetSet(['127.0.0.1', '::1']);
    const cov = checkTargetsInScope(set, Scope.EMPTY);
    assert.equal(cov.inScope, false);
    if (!cov.inScope) {
      assert.equal(cov.outside, 2);
      assert.match(cov.reason, /scope is empty/);
    }
  });
});
