import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { formatIPv4, formatIPv6 } from './address.js';
import { TargetSpecError } from './errors.js';
import { cidrToV4Range, cidrToV6Range, formatRange, v4Range, v6Range, type IpRange } from './ranges.js';
import {
  buildTargetSet,
  defaultResolver,
  describeSpec,
  isHostname,
  parseSpecText,
  parseTargetSpec,
  rangeSetFromSpecs,
  splitSpecList,
  type Resolver,
  type TargetSpec,
} from './spec.js';

const BENCH = 0xc6120000; // 198.18.0.0, RFC 2544 benchmarking
const DOC6 = 0x20010db8n << 96n; // 2001:db8::, RFC 3849

function ranges(token: string, opts = {}): readonly IpRange[] {
  const spec = parseTargetSpec(token, opts);
  assert.notEqual(spec.kind, 'hostname', token);
  return (spec as Extract<TargetSpec, { ranges: readonly IpRange[] }>).ranges;
}

/** Assert a TargetSpecError naming `token` whose message matches `pattern`. */
function throwsSpec(fn: () => unknown, token: string, pattern: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof TargetSpecError, `expected TargetSpecError, got ${String(err)}`);
    assert.equal(err.token, token);
    assert.match(err.message, pattern);
    return true;
  });
}

async function rejectsSpec(p: Promise<unknown>, token: string, pattern: RegExp): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof TargetSpecError, `expected TargetSpecError, got ${String(err)}`);
    assert.equal(err.token, token);
    assert.match(err.message, pattern);
    return true;
  });
}

/** Injected resolver over a fixed table; counts lookups. */
function fakeResolver(table: Record<string, string[]>): Resolver & { calls: string[] } {
  const calls: string[] = [];
  const fn = async (name: string): Promise<string[]> => {
    calls.push(name);
    const hit = table[name.toLowerCase()];
    if (hit === undefined) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
    return hit;
  };
  return Object.assign(fn, { calls });
}

describe('parseTargetSpec: accepted forms', () => {
  it('single addresses of both families', () => {
    assert.deepEqual(parseTargetSpec('192.0.2.7'), { kind: 'address', token: '192.0.2.7', ranges: [v4Range(0xc0000207, 0xc0000207)] });
    assert.deepEqual(ranges('2001:db8::7'), [v6Range(DOC6 + 7n, DOC6 + 7n)]);
    assert.deepEqual(ranges('[2001:db8::7]'), [v6Range(DOC6 + 7n, DOC6 + 7n)]);
    assert.deepEqual(ranges('::1'), [v6Range(1n, 1n)]);
    // IPv4-mapped IPv6 is the IPv4 host
    assert.deepEqual(ranges('::ffff:192.0.2.7'), [v4Range(0xc0000207, 0xc0000207)]);
  });

  it('CIDR blocks, host bits ignored, IPv6 up to /112', () => {
    assert.equal(parseTargetSpec('192.0.2.0/24').kind, 'cidr');
    assert.deepEqual(ranges('192.0.2.0/24'), [v4Range(0xc0000200, 0xc00002ff)]);
    assert.deepEqual(ranges('192.0.2.77/24'), [v4Range(0xc0000200, 0xc00002ff)]);
    assert.deepEqual(ranges('192.0.2.7/32'), [v4Range(0xc0000207, 0xc0000207)]);
    assert.deepEqual(ranges('0.0.0.0/0'), [v4Range(0, 0xffffffff)]);
    assert.deepEqual(ranges('2001:db8::/112'), [v6Range(DOC6, DOC6 + 0xffffn)]);
    assert.deepEqual(ranges('[2001:db8::]/126'), [v6Range(DOC6, DOC6 + 3n)]);
    assert.deepEqual(ranges('::ffff:192.0.2.0/120'), [v4Range(0xc0000200, 0xc00002ff)]);
    // An IPv4-mapped /96 is all of IPv4, which is enumerable.
    assert.deepEqual(ranges('::ffff:0:0/96'), [v4Range(0, 0xffffffff)]);
  });

  it('dash ranges, full and short, both families', () => {
    assert.equal(parseTargetSpec('192.0.2.5-192.0.2.40').kind, 'range');
    assert.deepEqual(ranges('192.0.2.5-192.0.2.40'), [v4Range(0xc0000205, 0xc0000228)]);
    assert.deepEqual(ranges('192.0.2.250-192.0.3.5'), [v4Range(0xc00002fa, 0xc0000305)]);
    assert.deepEqual(ranges('192.0.2.5-40'), [v4Range(0xc0000205, 0xc0000228)]);
    assert.deepEqual(ranges('192.0.2.5-5'), [v4Range(0xc0000205, 0xc0000205)]);
    assert.deepEqual(ranges('2001:db8::5-2001:db8::40'), [v6Range(DOC6 + 5n, DOC6 + 0x40n)]);
    assert.deepEqual(ranges('2001:db8::5-40'), [v6Range(DOC6 + 5n, DOC6 + 0x40n)]);
    assert.deepEqual(ranges('2001:db8::-ffff'), [v6Range(DOC6, DOC6 + 0xffffn)]);
  });

  it('nmap octet ranges and lists', () => {
    const r = ranges('198.18.1-3.1-254');
    assert.equal(parseTargetSpec('198.18.1-3.1-254').kind, 'octets');
    assert.deepEqual(r, [1, 2, 3].map((o) => v4Range(BENCH + o * 256 + 1, BENCH + o * 256 + 254)));
    assert.deepEqual(ranges('198.18.1,3.*'), [v4Range(BENCH + 256, BENCH + 511), v4Range(BENCH + 768, BENCH + 1023)]);
    assert.deepEqual(ranges('198.18.0.-2'), [v4Range(BENCH, BENCH + 2)]);
    assert.deepEqual(ranges('198.18.0.253-'), [v4Range(BENCH + 253, BENCH + 255)]);
    assert.deepEqual(ranges('198.18.0.-'), [v4Range(BENCH, BENCH + 255)]);
    assert.deepEqual(ranges('198.18.0.1,3,2,5-7'), [v4Range(BENCH + 1, BENCH + 3), v4Range(BENCH + 5, BENCH + 7)]);
    assert.deepEqual(ranges('10.*.*.*'), [v4Range(0x0a000000, 0x0affffff)]);
    assert.deepEqual(ranges('*.*.*.*'), [v4Range(0, 0xffffffff)]);
    assert.equal(ranges('198.18.*.1').length, 256);
  });

  it('hostnames (kept unresolved)', () => {
    assert.deepEqual(parseTargetSpec('localhost'), { kind: 'hostname', token: 'localhost', hostname: 'localhost' });
    assert.equal(parseTargetSpec('host-1.example.').kind, 'hostname');
    assert.equal(parseTargetSpec('_ldap.example').kind, 'hostname');
    assert.equal(describeSpec(parseTargetSpec('www.example')), 'hostname www.example');
    assert.equal(describeSpec(parseTargetSpec('198.18.1,3.*')), '198.18.1.0/24, 198.18.3.0/24');
  });

  it('enumerate:false lifts the IPv6 cap (for excludes and scope)', () => {
    assert.deepEqual(ranges('2001:db8::/32', { enumerate: false }), [cidrToV6Range(DOC6, 32)]);
    assert.deepEqual(ranges('2001:db8::-2001:db9::', { enumerate: false }), [v6Range(DOC6, 0x20010db9n << 96n)]);
  });

  it('isHostname follows RFC 1123', () => {
    for (const ok of ['a', 'localhost', 'a-b.example', 'x.example.', 'a'.repeat(63) + '.example', '1host.example']) {
      assert.ok(isHostname(ok), ok);
    }
    for (const bad of ['', '.', '-a.example', 'a-.example', 'a..b', 'a'.repeat(64), '192.0.2.1', 'a.123', 'a b', 'ä.example', `${'a.'.repeat(127)}aa`]) {
      assert.ok(!isHostname(bad), bad);
    }
  });
});

describe('parseTargetSpec: every error names the bad token', () => {
  const cases: Array<[token: string, pattern: RegExp, opts?: object]> = [
    ['', /empty target specification/],
    ['   ', /empty target specification/],
    ['192.0.2.1 192.0.2.2', /contains whitespace/],
    ['[192.0.2.1]', /brackets are only for IPv6/],
    ['2001:db8::g/120', /'2001:db8::g' is not a valid IPv6 address/],
    ['2001:db8::/64', /18,446,744,073,709,551,616 IPv6 addresses.*at most 65,536 \(a \/112\)/],
    ['2001:db8::/111', /131,072 IPv6 addresses/],
    ['192.0.2.0/', /empty prefix length/],
    ['192.0.2.0/33', /prefix length '\/33' must be a number from 0 to 32/],
    ['2001:db8::/129', /from 0 to 128/],
    ['192.0.2.0/2x', /prefix length '\/2x'/],
    ['192.0.2.0/-1', /prefix length/],
    ['www.example/24', /CIDR suffix on a hostname is not supported/],
    ['192.0.2.256/24', /'192.0.2.256' is not a valid IPv4 address/],
    ['/24', /'' is not a valid IPv4 address/],
    ['fe80::1%eth0', /zone indices \(%eth0\) are not supported/],
    ['2001:db8::g', /is not a valid IPv6 address/],
    ['2001:db8:::1', /is not a valid IPv6 address/],
    ['2001:db8::x-2001:db8::9', /range start '2001:db8::x' is not a valid IPv6 address/],
    ['2001:db8::1-2001:db8::zz', /range end '2001:db8::zz' is neither an IPv6 address nor a last-group/],
    ['2001:db8::9-2001:db8::1', /reversed range/],
    ['2001:db8::9-1', /reversed range/],
    ['2001:db8::-2001:db8::1:0', /65,537 IPv6 addresses/],
    ['192.0.2.9-192.0.2.1', /reversed range/],
    ['192.0.2', /expected four dot-separated octets, found 3/],
    ['192.0.2.1.5', /found 5/],
    ['192.0.2.1-192.0.2', /found 6/],
    ['-', /found 1/],
    ['192.0.2.256', /octet 4 \('256'\): '256' is not a number from 0 to 255/],
    ['192.0.2.01', /octet 4 \('01'\)/],
    ['192.0.2.1,,3', /octet 4 .* has an empty list item/],
    ['192.0.2.9-1', /octet 4 \('9-1'\): '9-1' is a reversed range/],
    ['192.0.2-1.*', /octet 3 .* reversed range/],
    ['*.*.*.1', /expands to 16,777,216 separate ranges/],
    ['bad!token', /'bad!token' is not an IP address, range, CIDR or hostname/],
    ['a..b', /is not an IP address, range, CIDR or hostname/],
    ['www.example', /hostnames are not allowed here/, { allowHostnames: false }],
  ];
  for (const [token, pattern, opts] of cases) {
    it(`refuses ${JSON.stringify(token)}`, () => {
      throwsSpec(() => parseTargetSpec(token, opts), token, pattern);
    });
  }

  it('prefixes file:line when a source is given', () => {
    assert.throws(
      () => parseTargetSpec('192.0.2.300', { source: { file: 'targets.txt', line: 7 } }),
      (err: unknown) =>
        err instanceof TargetSpecError &&
        err.message.startsWith('targets.txt:7: ') &&
        err.source?.line === 7,
    );
  });

  it('random strings only ever throw TargetSpecError', () => {
    const alphabet = fc.constantFrom(...'0123456789abcdef.:-/,*[]% #x'.split(''));
    const tokens = fc.oneof(fc.string({ unit: alphabet, maxLength: 40 }), fc.string(), fc.string({ unit: 'binary' }));
    fc.assert(
      fc.property(tokens, fc.boolean(), (t, enumerate) => {
        try {
          parseTargetSpec(t, { enumerate });
        } catch (err) {
          assert.ok(err instanceof TargetSpecError, `${JSON.stringify(t)} threw ${String(err)}`);
          assert.equal(err.token, t);
        }
        try {
          splitSpecList(t);
        } catch (err) {
          assert.ok(err instanceof TargetSpecError, `${JSON.stringify(t)} threw ${String(err)}`);
        }
      }),
      { numRuns: 3000 },
    );
  });
});

describe('parseTargetSpec: round-trip properties', () => {
  it('IPv4 CIDR text -> range -> formatRange -> same range', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 32 }), (v, p) => {
        const r = ranges(`${formatIPv4(v)}/${p}`);
        assert.deepEqual(r, [cidrToV4Range(v, p)]);
        assert.deepEqual(ranges(formatRange(r[0] as IpRange)), r);
      }),
    );
  });

  it('IPv6 CIDR (/112../128) text -> range -> formatRange -> same range', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }), fc.integer({ min: 112, max: 128 }), (v, p) => {
        const r = ranges(`${formatIPv6(v)}/${p}`);
        const expected = cidrToV6Range(v, p);
        if (r.length === 1 && r[0]?.family === 6) assert.deepEqual(r, [expected]);
        for (const piece of r) assert.deepEqual(ranges(formatRange(piece)), [piece]);
      }),
    );
  });

  it('dash ranges a-b -> [a, b] -> formatRange -> same range', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 0xffffffff }), (x, y) => {
        const [a, b] = x <= y ? [x, y] : [y, x];
        const r = ranges(`${formatIPv4(a)}-${formatIPv4(b)}`);
        assert.deepEqual(r, [v4Range(a, b)]);
        assert.deepEqual(ranges(formatRange(r[0] as IpRange)), r);
      }),
    );
    fc.assert(
      fc.property(fc.bigInt({ min: DOC6, max: DOC6 + (1n << 64n) }), fc.integer({ min: 0, max: 65535 }), (a, len) => {
        const b = a + BigInt(len);
        assert.deepEqual(ranges(`${formatIPv6(a)}-${formatIPv6(b)}`), [v6Range(a, b)]);
      }),
    );
  });

  it('octet specs match a brute-force evaluator', () => {
    const item = fc.oneof(
      fc.integer({ min: 0, max: 255 }).map(String),
      fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 })).map(([a, b]) => `${Math.min(a, b)}-${Math.max(a, b)}`),
      fc.constantFrom('*', '-5', '250-'),
    );
    const octet = fc.array(item, { minLength: 1, maxLength: 3 }).map((xs) => xs.join(','));
    const values = (o: string): Set<number> => {
      const s = new Set<number>();
      for (const item of o.split(',')) {
        let lo = 0;
        let hi = 255;
        if (item !== '*' && item.includes('-')) {
          const [a = '', b = ''] = item.split('-');
          if (a !== '') lo = Number(a);
          if (b !== '') hi = Number(b);
        } else if (item !== '*') {
          lo = hi = Number(item);
        }
        for (let v = lo; v <= hi; v++) s.add(v);
      }
      return s;
    };
    fc.assert(
      fc.property(octet, octet, (o3, o4) => {
        const token = `198.18.${o3}.${o4}`;
        const expected: number[] = [];
        for (const c of [...values(o3)].sort((a, b) => a - b)) for (const d of [...values(o4)].sort((a, b) => a - b)) expected.push(BENCH + c * 256 + d);
        const set = rangeSetFromSpecs([token]);
        const got: number[] = [];
        for (const r of set.v4) for (let x = r.start; x <= r.end; x++) got.push(x);
        assert.deepEqual(got, expected);
      }),
      { numRuns: 200 },
    );
  });
});

describe('splitSpecList (--exclude a,b,c)', () => {
  it('splits on commas and whitespace, keeping octet lists together', () => {
    assert.deepEqual(splitSpecList('192.0.2.1,192.0.2.2'), ['192.0.2.1', '192.0.2.2']);
    assert.deepEqual(splitSpecList('198.18.1,3.*,192.0.2.1'), ['198.18.1,3.*', '192.0.2.1']);
    assert.deepEqual(splitSpecList('192.0.2.1,2'), ['192.0.2.1,2']);
    assert.deepEqual(splitSpecList('198.18.0,1.5,7 www.example,2001:db8::/64'), ['198.18.0,1.5,7', 'www.example', '2001:db8::/64']);
  });

  it('names the bad piece or the list with the empty item', () => {
    throwsSpec(() => splitSpecList('192.0.2.1,,192.0.2.2'), '192.0.2.1,,192.0.2.2', /empty list item/);
    throwsSpec(() => splitSpecList('192.0.2.1,'), '192.0.2.1,', /empty list item/);
    throwsSpec(() => splitSpecList(',192.0.2.1'), ',192.0.2.1', /empty list item/);
    throwsSpec(() => splitSpecList('192.0.2.1,bad!'), '192.0.2.1,bad!', /not a number from 0 to 255|not an IP address/);
    throwsSpec(() => splitSpecList('bad!,192.0.2.1'), 'bad!', /not an IP address/);
    throwsSpec(() => splitSpecList('  '), '  ', /empty target list/);
  });
});

describe('spec file text (-iL, --exclude-file)', () => {
  it('parses whitespace/newline separated tokens with # comments and line numbers', () => {
    const toks = parseSpecText('# header\n192.0.2.1  192.0.2.2 # two\r\n\n\t2001:db8::1\n#192.0.2.9\nlocalhost', 'f.txt');
    assert.deepEqual(toks.map((t) => t.token), ['192.0.2.1', '192.0.2.2', '2001:db8::1', 'localhost']);
    assert.deepEqual(toks.map((t) => t.source?.line), [2, 2, 4, 6]);
    assert.deepEqual(parseSpecText('', 'f'), []);
  });

});

describe('buildTargetSet', () => {
  it('merges duplicates and overlaps across tokens', async () => {
    const set = await buildTargetSet(['198.18.0.0/30', '198.18.0.2-198.18.0.5', '198.18.0.3', '::ffff:198.18.0.1', '2001:db8::1-2', '[2001:db8::2]']);
    assert.equal(set.size, 8);
    assert.deepEqual([...set].map((t) => t.ip), [
      '198.18.0.0', '198.18.0.1', '198.18.0.2', '198.18.0.3', '198.18.0.4', '198.18.0.5', '2001:db8::1', '2001:db8::2',
    ]);
    assert.equal((await buildTargetSet([])).size, 0);
  });

  it('subtracts excludes exactly, including large IPv6 excludes and hostnames', async () => {
    const resolve = fakeResolver({ 'gw.example': ['198.18.0.1'] });
    const set = await buildTargetSet(['198.18.0.0/29', '2001:db8::/126'], {
      excludes: ['198.18.0.4-5', 'gw.example', '2001:db8::/32'],
      resolve,
    });
    assert.deepEqual([...set].map((t) => t.ip), ['198.18.0.0', '198.18.0.2', '198.18.0.3', '198.18.0.6', '198.18.0.7']);
  });

  it('excludes subtract exactly (brute force, random ranges)', async () => {
    const spec = fc.oneof(
      fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 })).map(([a, b]) => `198.18.0.${Math.min(a, b)}-${Math.max(a, b)}`),
      fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 26, max: 32 })).map(([a, p]) => `198.18.0.${a}/${p}`),
      fc.integer({ min: 0, max: 255 }).map((a) => `::ffff:198.18.0.${a}`),
    );
    const members = (tokens: string[]): Set<number> => {
      const s = new Set<number>();
      for (const t of tokens) for (const r of rangeSetFromSpecs([t]).v4) for (let x = r.start; x <= r.end; x++) s.add(x);
      return s;
    };
    await fc.assert(
      fc.asyncProperty(fc.array(spec, { maxLength: 5 }), fc.array(spec, { maxLength: 5 }), async (inc, exc) => {
        const set = await buildTargetSet(inc, { excludes: exc });
        const ex = members(exc);
        const expected = [...members(inc)].filter((x) => !ex.has(x)).sort((a, b) => a - b).map(formatIPv4);
        assert.equal(set.size, expected.length);
        assert.deepEqual([...set].map((t) => t.ip), expected);
      }),
      { numRuns: 200 },
    );
  });

  it('resolves hostnames through the injected resolver and keeps the name', async () => {
    const resolve = fakeResolver({
      'web.example': ['198.18.0.10', '2001:db8::10'],
      'db.example': ['::ffff:198.18.0.11'],
    });
    const set = await buildTargetSet(['web.example', 'WEB.example', '198.18.0.8/29', 'db.example'], { resolve });
    assert.deepEqual(resolve.calls, ['web.example', 'db.example']); // one lookup per name
    assert.equal(set.size, 9);
    assert.deepEqual(set.at(set.indexOf('198.18.0.10')), { ip: '198.18.0.10', family: 4, hostname: 'web.example' });
    assert.deepEqual(set.at(set.indexOf('198.18.0.11')), { ip: '198.18.0.11', family: 4, hostname: 'db.example' });
    assert.deepEqual(set.at(set.indexOf('198.18.0.12')), { ip: '198.18.0.12', family: 4 });
    assert.equal(set.hostnameOf('2001:db8::10'), 'web.example');
  });

  it("hostnameAddresses 'first' keeps only the first answer", async () => {
    const resolve = fakeResolver({ 'web.example': ['2001:db8::10', '198.18.0.10'] });
    const set = await buildTargetSet(['web.example'], { resolve, hostnameAddresses: 'first' });
    assert.deepEqual([...set], [{ ip: '2001:db8::10', family: 6, hostname: 'web.example' }]);
    // ...but an excluded hostname removes all of its addresses.
    const resolve2 = fakeResolver({ 'web.example': ['198.18.0.10', '198.18.0.11'] });
    const rest = await buildTargetSet(['198.18.0.8/29'], { resolve: resolve2, hostnameAddresses: 'first', excludes: ['web.example'] });
    assert.equal(rest.size, 6);
    assert.ok(!rest.contains('198.18.0.11'));
  });

  it('reports resolver failures as TargetSpecError naming the token', async () => {
    const resolve = fakeResolver({ 'empty.example': [], 'weird.example': ['not-an-ip'] });
    await rejectsSpec(buildTargetSet(['198.18.0.1', 'nx.example'], { resolve }), 'nx.example', /cannot resolve hostname 'nx.example': ENOTFOUND/);
    await rejectsSpec(buildTargetSet(['empty.example'], { resolve }), 'empty.example', /resolved to no addresses/);
    await rejectsSpec(buildTargetSet(['weird.example'], { resolve }), 'weird.example', /resolver returned 'not-an-ip'.*not an IP address/);
    await rejectsSpec(buildTargetSet(['198.18.0.1'], { resolve, excludes: ['nx.example'] }), 'nx.example', /cannot resolve/);
    const throwsString: Resolver = () => Promise.reject('boom');
    await rejectsSpec(buildTargetSet(['x.example'], { resolve: throwsString }), 'x.example', /boom/);
  });

  it('reports bad include and exclude tokens before resolving anything', async () => {
    const resolve = fakeResolver({});
    await rejectsSpec(buildTargetSet(['198.18.0.1', '198.18.0.300'], { resolve }), '198.18.0.300', /octet 4/);
    await rejectsSpec(buildTargetSet(['198.18.0.1'], { resolve, excludes: ['198.18.0.1-0'] }), '198.18.0.1-0', /reversed/);
    await rejectsSpec(buildTargetSet(['2001:db8::/64'], { resolve }), '2001:db8::/64', /at most 65,536/);
    assert.deepEqual(resolve.calls, []);
  });

  it('enforces maxHosts after excludes, naming the largest spec', async () => {
    await rejectsSpec(
      buildTargetSet(['198.18.0.0/24', '198.18.1.0/28'], { maxHosts: 100 }),
      '198.18.0.0/24',
      /272 hosts, above the limit of 100 \(largest spec: '198.18.0.0\/24', 256 addresses\)/,
    );
    const ok = await buildTargetSet(['198.18.0.0/24'], { maxHosts: 100, excludes: ['198.18.0.100-255'] });
    assert.equal(ok.size, 100);
  });

  it('accepts sourced tokens and resolves localhost through the default resolver', async () => {
    const set = await buildTargetSet([{ token: 'localhost', source: { file: 't', line: 1 } }]);
    assert.ok(set.size >= 1);
    for (const t of set) {
      assert.equal(t.hostname, 'localhost');
      assert.ok(t.ip === '::1' || t.ip.startsWith('127.'), t.ip);
    }
    const direct = await defaultResolver('localhost');
    assert.ok(direct.length >= 1);
  });
});
