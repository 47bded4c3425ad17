/* eslint-disable no-control-regex -- these tests look for control characters */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import type { HostResult, PortResult } from '../types.js';
import { XmlSink, xmlEscape } from './xml.js';
import { HOSTS, META, SUMMARY, T0, collector, drive, render } from './fixtures.js';
import { arbHost, arbPort, arbSummary, arbText } from './arbitraries.js';

const GOLDEN = String.raw`<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE nmaprun>
<nmaprun scanner="perisai" args="perisai scan -p 1-1024,3389 --note &apos;it&apos;\&apos;&apos;s a test&apos; 198.18.0.0/24" start="1795591714" startstr="Wed Nov 25 07:28:34 2026" version="0.1.0" xmloutputversion="1.05">
<scaninfo type="connect" protocol="tcp" numservices="1025" services="1-1024,3389"/>
<verbose level="0"/>
<debugging level="0"/>
<host starttime="1795591714" endtime="1795591726"><status state="up" reason="syn-ack" reason_ttl="0"/>
<address addr="198.18.0.20" addrtype="ipv4"/>
<hostnames>
<hostname name="tn-linux.testnet.internal" type="user"/>
</hostnames>
<ports><extraports state="closed" count="1023">
<extrareasons reason="conn-refused" count="1023"/>
</extraports>
<port protocol="tcp" portid="22"><state state="open" reason="syn-ack" reason_ttl="0"/><service name="ssh" product="OpenSSH" version="9.2p1" extrainfo="Debian-2+deb12u3; protocol 2.0" method="probed" conf="10"/><script id="banner" output="SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3"/></port>
<port protocol="tcp" portid="80"><state state="open" reason="syn-ack" reason_ttl="0"/><service name="http" product="nginx" version="1.22.1" method="probed" conf="10"/><script id="banner" output="HTTP/1.1 200 OK\x0D\x0AServer: nginx/1.22.1\x0D\x0AContent-Type: text/html"/></port>
</ports>
<times srtt="200" rttvar="47" to="100000"/>
</host>
<host starttime="1795591714" endtime="1795591726"><status state="up" reason="conn-refused" reason_ttl="0"/>
<address addr="198.18.0.30" addrtype="ipv4"/>
<hostnames>
</hostnames>
<ports><extraports state="closed" count="2">
<extrareasons reason="conn-refused" count="2"/>
</extraports>
<extraports state="filtered" count="1023">
<extrareasons reason="no-response" count="1022"/>
<extrareasons reason="admin-prohibited" count="1"/>
</extraports>
</ports>
<times srtt="30500" rttvar="233" to="100000"/>
</host>
<host starttime="1795591714" endtime="1795591726"><status state="up" reason="syn-ack" reason_ttl="0"/>
<address addr="2001:db8::10" addrtype="ipv6"/>
<hostnames>
</hostnames>
<ports><extraports state="closed" count="1024">
<extrareasons reason="conn-refused" count="1024"/>
</extraports>
<port protocol="tcp" portid="445"><state state="open" reason="syn-ack" reason_ttl="0"/><service name="microsoft-ds" product="SMB" version="1" method="probed" conf="10"/><script id="banner" output="\x00\x00\x00U\xFFSMBr"/></port>
</ports>
</host>
<runstats><finished time="1795591726" timestr="Wed Nov 25 07:28:46 2026" summary="Perisai done at Wed Nov 25 07:28:46 2026; 256 IP addresses (4 hosts up) scanned in 12.35 seconds" elapsed="12.35" exit="success"/><hosts up="4" down="252" total="256"/>
</runstats>
</nmaprun>
`;

const dir = mkdtempSync(join(tmpdir(), 'perisai-xml-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function save(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text, 'utf8');
  return path;
}

// Debian's python3 (the one ndiff uses); the stdlib parsers need nothing else.
const PYTHON = '/usr/bin/python3';
const NDIFF = '/usr/bin/ndiff';
// ndiff ships with nmap (Debian package "ndiff", installed by scripts/test-all.sh). Missing = a failure:
// a skipped compatibility check proves nothing.
function requireNdiff(): void {
  assert.ok(existsSync(NDIFF), 'ndiff is not installed (apt-get install ndiff, or run scripts/test-all.sh)');
}

/**
 * Parses each file with Python's expat-based ElementTree (a well-formedness check) and with ndiff's
 * own loader, and returns every hostname@name and script@output value as the parser decoded it.
 */
function pyParse(paths: readonly string[]): { hostnames: string[]; banners: string[]; ports: number }[] {
  const script = `
import json, sys, xml.etree.ElementTree as ET
sys.path.insert(0, '/usr/lib/python3/dist-packages')
try:
    import ndiff
except ImportError:
    ndiff = None
res = []
for p in json.load(sys.stdin):
    root = ET.parse(p).getroot()
    assert root.tag == 'nmaprun', root.tag
    if ndiff:
        ndiff.Scan().load_from_file(p)
    res.append({'hostnames': [e.get('name') for e in root.iter('hostname')],
                'banners': [e.get('output') for e in root.iter('script')],
                'ports': sum(1 for _ in root.iter('port'))})
print(json.dumps(res))
`;
  const r = spawnSync(PYTHON, ['-c', script], { input: JSON.stringify(paths), encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as { hostnames: string[]; banners: string[]; ports: number }[];
}

/** What a conforming parser must give back for a string: forbidden characters as escaped by xmlEscape. */
function decoded(s: string): string {
  return s
    .replace(/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`)
    .replace(/[\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}

describe('xml', () => {
  it('matches the golden output', () => {
    assert.equal(render('xml', {}, HOSTS.slice(0, 3)), GOLDEN);
  });

  it('is well-formed, loads in ndiff, and a hostile host round-trips through the parser', () => {
    const [doc] = pyParse([save('hostile.xml', render('xml', { allStates: true }))]);
    assert.ok(doc);
    assert.deepEqual(doc.hostnames, ['tn-linux.testnet.internal', decoded("evil\"<host>&'\n")]);
    const evil = HOSTS[3]?.[1][0]?.banner ?? '';
    assert.equal(doc.banners.at(-1), decoded(evil));
    assert.equal(doc.ports, 3 + 5 + 1 + 1);
  });

  it('ndiff reports the changed port (exit 1) and no change for identical results (exit 0)', () => {
    requireNdiff();
    const a = save('a.xml', render('xml', { allStates: true }));
    const a2 = save('a2.xml', render('xml', { allStates: true }));
    // B: ssh on 198.18.0.20 is now closed, and 3389 opened on the filtered host (host counts follow).
    const changed = HOSTS.map(([h, ports]): readonly [HostResult, readonly PortResult[]] => {
      if (h.ip === '198.18.0.20') {
        return [{ ...h, open: h.open - 1, closed: h.closed + 1 },
          ports.map((p) => (p.port === 22 ? { ...p, state: 'closed' as const, reason: 'conn-refused' as const, banner: undefined } : p))];
      }
      if (h.ip === '198.18.0.30') {
        return [{ ...h, open: h.open + 1, filtered: h.filtered - 1 },
          ports.map((p) => (p.port === 3389 ? { ...p, state: 'open' as const, reason: 'syn-ack' as const, rttMs: 30.1 } : p))];
      }
      return [h, ports];
    });
    const b = save('b.xml', render('xml', { allStates: true }, changed));

    const same = spawnSync(NDIFF, [a, a2], { encoding: 'utf8' });
    assert.equal(same.status, 0, same.stdout + same.stderr);

    const diff = spawnSync(NDIFF, [a, b], { encoding: 'utf8' });
    assert.equal(diff.status, 1, diff.stdout + diff.stderr);
    assert.match(diff.stdout, /^-22\/tcp +open +ssh/m);
    assert.match(diff.stdout, /^\+3389\/tcp +open +ms-wbt-server/m);
    assert.ok(!diff.stdout.includes('80/tcp'), `unchanged ports are not reported:\n${diff.stdout}`);
    assert.ok(!diff.stdout.includes('Not shown'), `the extraports counts did not change:\n${diff.stdout}`);

    // (ndiff's text view hides ports in an <extraports> state, e.g. the now-closed 22; its XML view has both sides)
    const xmlDiff = spawnSync(NDIFF, ['--xml', a, b], { encoding: 'utf8' });
    assert.equal(xmlDiff.status, 1, xmlDiff.stderr);
    assert.match(xmlDiff.stdout, /<a>\s*<port portid="22" protocol="tcp">\s*<state state="open"\/>/);
    assert.match(xmlDiff.stdout, /<b>\s*<port portid="22" protocol="tcp">\s*<state state="closed"\/>/);
  });

  it('xmlEscape covers markup, attribute whitespace and characters XML 1.0 cannot carry', () => {
    assert.equal(xmlEscape(`a&b<c>d"e'f`), 'a&amp;b&lt;c&gt;d&quot;e&apos;f');
    assert.equal(xmlEscape('l1\nl2\r\tx'), 'l1&#xa;l2&#xd;&#x9;x');
    assert.equal(xmlEscape('\x00\x08\x1b\x7f\x9f'), '\\x00\\x08\\x1B\\x7F\\x9F');
    assert.equal(xmlEscape('\ufffe\uffff\ud800x\udc00'), '\ufffd\ufffd\ufffdx\ufffd');
    assert.equal(xmlEscape('\u{1F600}\u00e9\u2028'), '\u{1F600}\u00e9\u2028');
  });

  it('writes ipv6 addresses, omits times without srtt, and reports interrupted scans', () => {
    const text = render('xml', {}, HOSTS.slice(2, 3), META, { ...SUMMARY, interrupted: true });
    assert.ok(text.includes('<address addr="2001:db8::10" addrtype="ipv6"/>'));
    assert.ok(!text.includes('<times'));
    assert.ok(text.includes('exit="error" errormsg="scan interrupted before every probe completed"'));
  });

  it('refuses host() before begin()', () => {
    const [[h, ports]] = HOSTS as [(typeof HOSTS)[number]];
    assert.throws(() => new XmlSink(collector().out, { allStates: false }).host(h, ports), /begin\(\)/);
  });

  it('handles a host with every port listed', () => {
    const ports: PortResult[] = Array.from({ length: 65535 }, (_, i) => ({ type: 'port', ip: '10.9.9.9', port: i + 1, proto: 'tcp', state: i % 3 === 0 ? 'open' : 'closed', reason: i % 3 === 0 ? 'syn-ack' : 'conn-refused' }));
    const h: HostResult = { type: 'host', ip: '10.9.9.9', state: 'up', reason: 'syn-ack', open: 21845, closed: 43690, filtered: 0, srttMs: 0.1 };
    const meta = { ...META, ports: ports.map((p) => p.port) };
    const [doc] = pyParse([save('big.xml', render('xml', { allStates: true }, [[h, ports]], meta))]);
    assert.equal(doc?.ports, 65535);
    assert.ok(render('xml', {}, [[h, ports]], meta).includes('<scaninfo type="connect" protocol="tcp" numservices="65535" services="1-65535"/>'));
  });

  it('is always well-formed and loads in ndiff (property)', () => {
    const samples = fc.sample(
      fc.record({
        hosts: fc.array(fc.tuple(arbHost, fc.array(arbPort, { maxLength: 6 })), { maxLength: 4 }),
        args: fc.array(arbText, { maxLength: 4 }),
        version: arbText,
        summary: arbSummary,
        allStates: fc.boolean(),
      }),
      { numRuns: 150, seed: 20170512 },
    );
    const expected: { hostnames: string[]; banners: string[] }[] = [];
    const paths = samples.map((s, i) => {
      const c = collector();
      drive(new XmlSink(c.out, { allStates: s.allStates, clock: () => T0 }), s.hosts, { ...META, args: s.args, version: s.version }, s.summary);
      expected.push({
        hostnames: s.hosts.flatMap(([h]) => (h.hostname === undefined || h.hostname === '' ? [] : [decoded(h.hostname)])),
        banners: s.hosts.flatMap(([, ps]) =>
          [...ps].filter((p) => s.allStates || p.state === 'open').sort((a, b) => a.port - b.port).flatMap((p) => (p.banner === undefined || p.banner === '' ? [] : [decoded(p.banner)])),
        ),
      });
      return save(`prop-${i}.xml`, c.text());
    });
    const parsed = pyParse(paths);
    parsed.forEach((doc, i) => {
      assert.deepEqual(doc.hostnames, expected[i]?.hostnames, `sample ${i}`);
      assert.deepEqual(doc.banners, expected[i]?.banners, `sample ${i}`);
    });
  });
});
