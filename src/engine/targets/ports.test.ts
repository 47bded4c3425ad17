import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { PortSpecError } from './errors.js';
import {
  COMMON_PORTS,
  formatPorts,
  NAMED_PORT_SETS,
  NMAP_SERVICES_ENV,
  parsePorts,
  rankNmapServices,
  RANSOMWARE_PORTS,
  topPorts,
} from './ports.js';

const SYSTEM_SERVICES = '/usr/share/nmap/nmap-services';

function throwsPort(fn: () => unknown, token: string, pattern: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof PortSpecError, `expected PortSpecError, got ${String(err)}`);
    assert.equal(err.token, token);
    assert.match(err.message, pattern);
    return true;
  });
}

// A tiny nmap-services in the real format, with ties and UDP noise.
const FIXTURE = [
  '# Fields in this file are: Service name, portnum/protocol, open-frequency, optional comments',
  'http\t80/tcp\t0.484143\t# World Wide Web HTTP',
  'snmp\t161/udp\t0.433467',
  'telnet\t23/tcp\t0.221265',
  'https\t443/tcp\t0.208669',
  'tie-b\t9002/tcp\t0.000100',
  'tie-a\t9001/tcp\t0.000100',
  'nofreq\t7/tcp',
  'zero\t0/tcp\t0.9',
  'high\t70000/tcp\t0.9',
  '',
].join('\n');

let dir = '';
let fixture = '';
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'perisai-ports-'));
  fixture = join(dir, 'nmap-services');
  await writeFile(fixture, FIXTURE);
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('parsePorts', () => {
  it('parses single ports, lists and ranges into unique ascending ports', () => {
    assert.deepEqual(parsePorts('445'), [445]);
    assert.deepEqual(parsePorts('445,139,445, 80 '), [80, 139, 445]);
    assert.deepEqual(parsePorts('20-25'), [20, 21, 22, 23, 24, 25]);
    assert.deepEqual(parsePorts('5-5'), [5]);
    assert.deepEqual(parsePorts('1-3,2-4'), [1, 2, 3, 4]);
    assert.equal(parsePorts('-100').length, 100);
    assert.deepEqual(parsePorts('65530-'), [65530, 65531, 65532, 65533, 65534, 65535]);
    assert.equal(parsePorts('-').length, 65535);
    assert.equal(parsePorts('ALL').length, 65535);
    assert.equal(parsePorts('all')[0], 1);
    assert.deepEqual(parsePorts('65535'), [65535]);
  });

  it('expands named sets (case-insensitive) and combinations', () => {
    assert.deepEqual(parsePorts('ransomware'), [135, 137, 138, 139, 445, 3389, 5985, 5986]);
    assert.deepEqual(parsePorts('smb'), [139, 445]);
    assert.deepEqual(parsePorts('RDP'), [3389]);
    assert.deepEqual(parsePorts('smb,rdp,8080,22-23'), [22, 23, 139, 445, 3389, 8080]);
    const common = parsePorts('common');
    assert.ok(common.length >= 95 && common.length <= 110, String(common.length));
    assert.deepEqual(common, COMMON_PORTS.map(([p]) => p));
    for (const p of RANSOMWARE_PORTS) assert.ok(common.includes(p), `common includes ${p}`);
  });

  it('keeps the named and common lists well-formed', () => {
    for (const [name, ports] of Object.entries(NAMED_PORT_SETS)) {
      assert.deepEqual([...ports], [...new Set(ports)].sort((a, b) => a - b), name);
      assert.ok(ports.every((p) => Number.isInteger(p) && p >= 1 && p <= 65535), name);
    }
    assert.ok(COMMON_PORTS.every(([, name]) => name.length > 0));
  });

  it('refuses every bad item, naming it', () => {
    const cases: Array<[spec: string, token: string, pattern: RegExp]> = [
      ['', '', /empty port specification/],
      ['  ', '  ', /empty port specification/],
      ['80,,443', '80,,443', /empty item/],
      ['80,', '80,', /empty item/],
      ['0', '0', /port 0 is reserved/],
      ['0-100', '0-100', /port 0 is reserved/],
      ['65536', '65536', /port 65536 is above 65535/],
      ['99999', '99999', /above 65535/],
      ['1-70000', '1-70000', /port 70000 is above 65535/],
      ['100-1', '100-1', /reversed range \(100 > 1\)/],
      ['80,abc', 'abc', /'abc' is not a port, range.*ransomware, smb, rdp, common/],
      ['1-2-3', '1-2-3', /'2-3' is not a port number/],
      ['x-5', 'x-5', /'x' is not a port number/],
      ['123456', '123456', /'123456' is not a port number/],
      ['+80', '+80', /not a port/],
      ['top', 'top', /expected top:N/],
      ['top:0', 'top:0', /expected top:N/],
      ['top:-5', 'top:-5', /expected top:N/],
      ['top:x', 'top:x', /expected top:N/],
      ['toString', 'toString', /is not a port/],
      ['topology', 'topology', /expected top:N/],
      ['constructor', 'constructor', /is not a port/],
      ['U:53', 'U:53', /is not a port/],
    ];
    for (const [spec, token, pattern] of cases) throwsPort(() => parsePorts(spec), token, pattern);
  });

  it('random strings only ever throw PortSpecError', () => {
    const unit = fc.constantFrom(...'0123456789-,: topalTOPsmbrdx'.split(''));
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit, maxLength: 20 }), fc.string()), (s) => {
        try {
          const out = parsePorts(s, { nmapServicesPath: fixture });
          assert.ok(out.length > 0);
          assert.ok(out.every((p, i) => p >= 1 && p <= 65535 && (i === 0 || p > (out[i - 1] as number))));
        } catch (err) {
          assert.ok(err instanceof PortSpecError, `${JSON.stringify(s)} threw ${String(err)}`);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('ranges and lists agree with a brute-force model', () => {
    const item = fc.oneof(
      fc.integer({ min: 1, max: 65535 }).map((p) => ({ text: String(p), set: [p] })),
      fc.tuple(fc.integer({ min: 1, max: 300 }), fc.integer({ min: 0, max: 50 })).map(([a, len]) => ({
        text: `${a}-${a + len}`,
        set: Array.from({ length: len + 1 }, (_, i) => a + i),
      })),
    );
    fc.assert(
      fc.property(fc.array(item, { minLength: 1, maxLength: 6 }), (items) => {
        const expected = [...new Set(items.flatMap((i) => i.set))].sort((a, b) => a - b);
        const got = parsePorts(items.map((i) => i.text).join(','));
        assert.deepEqual(got, expected);
        assert.deepEqual(parsePorts(formatPorts(got)), got); // formatPorts round-trips
      }),
    );
  });
});

describe('top:N from nmap-services', () => {
  it('ranks TCP entries by frequency, ties by port, skipping invalid ports', () => {
    assert.deepEqual(rankNmapServices(FIXTURE), [80, 23, 443, 9001, 9002, 7]);
  });

  it('accepts top:N and topN, from an explicit path or $PERISAI_NMAP_SERVICES', () => {
    assert.deepEqual(parsePorts('top:2', { nmapServicesPath: fixture }), [23, 80]);
    assert.deepEqual(parsePorts('TOP3,smb', { nmapServicesPath: fixture }), [23, 80, 139, 443, 445]);
    assert.deepEqual(parsePorts('top-4', { env: { [NMAP_SERVICES_ENV]: fixture } }), [23, 80, 443, 9001]);
    assert.deepEqual(topPorts(5, { nmapServicesPath: fixture }), [80, 23, 443, 9001, 9002]);
  });

  it('refuses N beyond the table, naming the item', () => {
    throwsPort(() => parsePorts('top:7', { nmapServicesPath: fixture }), 'top:7', /only ranks 6 TCP ports/);
    throwsPort(() => topPorts(7, { nmapServicesPath: fixture }), 'top:7', /N must be from 1 to 6/);
    throwsPort(() => topPorts(0, { nmapServicesPath: fixture }), 'top:0', /N must be from 1 to 6/);
  });

  it('explains how to get the file when it is missing', () => {
    const missing = join(dir, 'nope');
    throwsPort(
      () => parsePorts('80,top:10', { nmapServicesPath: missing }),
      'top:10',
      /needs nmap's port frequency table.*looked in .*nope.*install nmap-common.*PERISAI_NMAP_SERVICES/i,
    );
    throwsPort(() => topPorts(3, { nmapServicesPath: missing }), 'top:3', /install nmap-common/i);
  });

  it('refuses a file without TCP frequencies', async () => {
    const empty = join(dir, 'empty-services');
    await writeFile(empty, '# nothing\nfoo\t53/udp\t0.5\n');
    throwsPort(() => parsePorts('top:1', { nmapServicesPath: empty }), 'top:1', /contains no TCP entries/);
  });

  // nmap is a test dependency (scripts/test-all.sh installs it): a missing peer is a failure, not a skip.
  it('reproduces nmap --top-ports 1000 exactly', () => {
    assert.ok(existsSync(SYSTEM_SERVICES), 'nmap-services is not installed (apt-get install nmap)');
    const ours = topPorts(1000, { nmapServicesPath: SYSTEM_SERVICES });
    assert.equal(new Set(ours).size, 1000);
    // -sT against loopback only: nmap prints the port list it would use in <scaninfo services=…>.
    const xml = execFileSync('nmap', ['-oX', '-', '--top-ports', '1000', '-sT', '-Pn', '-n', '127.0.0.1'], { encoding: 'utf8', timeout: 60_000 });
    const services = / services="([^"]*)"/.exec(xml)?.[1];
    assert.ok(services, 'scaninfo services attribute');
    assert.deepEqual(parsePorts(services), [...ours].sort((a, b) => a - b));
    assert.equal(formatPorts(ours), services);
  });
});

describe('formatPorts', () => {
  it('compresses runs nmap-style', () => {
    assert.equal(formatPorts([445, 21, 22, 23, 80, 139]), '21-23,80,139,445');
    assert.equal(formatPorts([]), '');
    assert.equal(formatPorts([5, 5]), '5');
  });
});
