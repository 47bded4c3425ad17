import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { JsonSink } from './json.js';
import { HOSTILE_BANNER, HOSTS, META, SUMMARY, collector, drive, render } from './fixtures.js';
import { arbHost, arbPort } from './arbitraries.js';

const SMALL_META = { ...META, args: ['perisai', '-p', '22,80,445', '198.18.0.20'], ports: [22, 80, 445] };

const GOLDEN = String.raw`{"scan":{"scanner":"perisai","version":"0.1.0","args":["perisai","-p","22,80,445","198.18.0.20"],"startedAt":"2026-11-25T07:28:34.000Z","scanType":"connect","ports":[22,80,445]},
"hosts":[
{"type":"host","ip":"198.18.0.20","hostname":"tn-linux.testnet.internal","state":"up","reason":"syn-ack","open":2,"closed":1023,"filtered":0,"srttMs":0.2,"ports":[{"type":"port","ip":"198.18.0.20","hostname":"tn-linux.testnet.internal","port":22,"proto":"tcp","state":"open","reason":"syn-ack","rttMs":0.18,"service":"ssh","banner":"SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3"},{"type":"port","ip":"198.18.0.20","hostname":"tn-linux.testnet.internal","port":80,"proto":"tcp","state":"open","reason":"syn-ack","rttMs":0.22,"service":"http","banner":"HTTP/1.1 200 OK\\x0D\\x0AServer: nginx/1.22.1\\x0D\\x0AContent-Type: text/html"}]},
{"type":"host","ip":"198.18.0.30","state":"up","reason":"conn-refused","open":0,"closed":2,"filtered":1023,"srttMs":30.5,"ports":[]}
],
"summary":{"type":"summary","startedAt":"2026-11-25T07:28:34.000Z","endedAt":"2026-11-25T07:28:46.345Z","durationMs":12345,"hosts":256,"hostsUp":4,"ports":1025,"probesPlanned":262400,"probesSent":264000,"retries":1600,"open":4,"closed":2049,"filtered":2047,"refusedByScope":0,"interrupted":false,"engine":{"socketLayer":"tcp_wrap","windowMax":4096,"windowFinal":2048,"timeoutMs":1000}}}
`;

describe('json', () => {
  it('matches the golden output', () => {
    assert.equal(render('json', {}, HOSTS.slice(0, 2), SMALL_META), GOLDEN);
  });

  it('writes nothing before end(), then one parseable document', () => {
    const c = collector();
    const sink = new JsonSink(c.out, { allStates: false });
    sink.begin(META);
    for (const [h, ports] of HOSTS) {
      for (const p of ports) sink.port(p);
      sink.host(h, ports);
    }
    assert.equal(c.text(), '');
    sink.end(SUMMARY);
    const doc = JSON.parse(c.text()) as { scan: { ports: number[]; startedAt: string }; hosts: { ip: string; ports: { port: number; banner?: string }[] }[]; summary: unknown };
    assert.equal(doc.scan.ports.length, 1025);
    assert.equal(doc.scan.startedAt, '2026-11-25T07:28:34.000Z');
    assert.deepEqual(doc.hosts.map((h) => h.ip), ['198.18.0.20', '198.18.0.30', '2001:db8::10', '198.18.1.7']);
    assert.deepEqual(doc.hosts[0]?.ports.map((p) => p.port), [22, 80], 'open ports only, sorted');
    assert.equal(doc.hosts[3]?.ports[0]?.banner, HOSTILE_BANNER);
    assert.deepEqual(doc.summary, SUMMARY);
  });

  it('lists every state with allStates, and copes with an empty scan', () => {
    const doc = JSON.parse(render('json', { allStates: true })) as { hosts: { ports: unknown[] }[] };
    assert.equal(doc.hosts[1]?.ports.length, 5);
    const empty = collector();
    drive(new JsonSink(empty.out, { allStates: false }), []);
    assert.deepEqual((JSON.parse(empty.text()) as { hosts: unknown[] }).hosts, []);
  });

  it('parses back equal for random results (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(arbHost, fc.array(arbPort, { maxLength: 6 })), { maxLength: 5 }), (hosts) => {
        const c = collector();
        drive(new JsonSink(c.out, { allStates: true }), hosts);
        const doc = JSON.parse(c.text()) as { hosts: unknown[] };
        assert.deepEqual(doc.hosts, hosts.map(([h, ports]) => ({ ...h, ports: [...ports].sort((a, b) => a.port - b.port) })));
      }),
      { numRuns: 200 },
    );
  });
});
