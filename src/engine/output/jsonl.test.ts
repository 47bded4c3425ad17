import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { PortResult } from '../types.js';
import { JsonlSink } from './jsonl.js';
import { HOSTS, HOSTILE_BANNER, META, SUMMARY, collector, render } from './fixtures.js';
import { arbHost, arbPort, arbSummary } from './arbitraries.js';

const GOLDEN = String.raw`{"type":"port","ip":"198.18.0.20","hostname":"tn-linux.testnet.internal","port":80,"proto":"tcp","state":"open","reason":"syn-ack","rttMs":0.22,"service":"http","banner":"HTTP/1.1 200 OK\\x0D\\x0AServer: nginx/1.22.1\\x0D\\x0AContent-Type: text/html"}
{"type":"port","ip":"2001:db8::10","port":445,"proto":"tcp","state":"open","reason":"syn-ack","rttMs":0.5,"service":"microsoft-ds","banner":"\\x00\\x00\\x00U\\xFFSMBr"}
{"type":"port","ip":"198.18.0.20","hostname":"tn-linux.testnet.internal","port":22,"proto":"tcp","state":"open","reason":"syn-ack","rttMs":0.18,"service":"ssh","banner":"SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3"}
{"type":"host","ip":"198.18.0.20","hostname":"tn-linux.testnet.internal","state":"up","reason":"syn-ack","open":2,"closed":1023,"filtered":0,"srttMs":0.2}
{"type":"host","ip":"198.18.0.30","state":"up","reason":"conn-refused","open":0,"closed":2,"filtered":1023,"srttMs":30.5}
{"type":"host","ip":"2001:db8::10","state":"up","reason":"syn-ack","open":1,"closed":1024,"filtered":0}
{"type":"summary","startedAt":"2026-11-25T07:28:34.000Z","endedAt":"2026-11-25T07:28:46.345Z","durationMs":12345,"hosts":256,"hostsUp":4,"ports":1025,"probesPlanned":262400,"probesSent":264000,"retries":1600,"open":4,"closed":2049,"filtered":2047,"refusedByScope":0,"interrupted":false,"engine":{"socketLayer":"tcp_wrap","windowMax":4096,"windowFinal":2048,"timeoutMs":1000}}
`;

describe('jsonl', () => {
  it('matches the golden output (open ports as found, hosts, summary)', () => {
    assert.equal(render('jsonl', {}, HOSTS.slice(0, 3)), GOLDEN);
  });

  it('writes each port line at once (streaming), before any host line', () => {
    const c = collector();
    const sink = new JsonlSink(c.out, { allStates: false });
    sink.begin(META);
    assert.equal(c.text(), '');
    const [[, ports]] = HOSTS as [(typeof HOSTS)[number]];
    sink.port(ports[0] as PortResult);
    assert.equal(c.chunks.length, 1);
    assert.equal(JSON.parse(c.text()).port, 80);
    sink.port(ports[2] as PortResult); // closed: not shown without allStates
    assert.equal(c.chunks.length, 1);
  });

  it('writes closed and filtered ports with allStates', () => {
    const lines = render('jsonl', { allStates: true }).trim().split('\n').map((l) => JSON.parse(l) as { type: string; state?: string });
    const states = lines.filter((l) => l.type === 'port').map((l) => l.state);
    assert.deepEqual([...new Set(states)].sort(), ['closed', 'filtered', 'open']);
    assert.equal(states.length, HOSTS.reduce((n, [, p]) => n + p.length, 0));
  });

  it('keeps a hostile banner and hostname intact and on one line', () => {
    const text = render('jsonl');
    const lines = text.split('\n');
    assert.equal(lines.pop(), '');
    assert.ok(!text.includes('\u2028'), 'U+2028 must be escaped for line splitters');
    const evil = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((o) => o.ip === '198.18.1.7' && o.type === 'port');
    assert.equal(evil?.banner, HOSTILE_BANNER);
    assert.equal(evil?.hostname, "evil\"<host>&'\n");
  });

  it('omits undefined and non-finite optional fields', () => {
    const c = collector();
    const sink = new JsonlSink(c.out, { allStates: true });
    sink.port({ type: 'port', ip: '10.0.0.1', port: 1, proto: 'tcp', state: 'filtered', reason: 'no-response', rttMs: NaN, banner: undefined });
    assert.equal(c.text(), '{"type":"port","ip":"10.0.0.1","port":1,"proto":"tcp","state":"filtered","reason":"no-response"}\n');
  });

  it('every line parses back equal to what was given (property)', () => {
    fc.assert(
      fc.property(fc.array(arbPort, { maxLength: 20 }), fc.array(arbHost, { maxLength: 5 }), arbSummary, (ports, hosts, summary) => {
        const c = collector();
        const sink = new JsonlSink(c.out, { allStates: true });
        sink.begin(META);
        for (const p of ports) sink.port(p);
        for (const h of hosts) sink.host(h, []);
        sink.end(summary);
        const lines = c.text().split('\n');
        assert.equal(lines.pop(), '');
        assert.deepEqual(lines.map((l) => JSON.parse(l) as unknown), [...ports, ...hosts, summary]);
      }),
      { numRuns: 300 },
    );
  });

  it('handles huge counts', () => {
    const big = { ...SUMMARY, probesSent: 2 ** 53 - 1, hosts: 16_777_216 };
    const c = collector();
    new JsonlSink(c.out, { allStates: false }).end(big);
    assert.equal(JSON.parse(c.text()).probesSent, 2 ** 53 - 1);
  });
});
