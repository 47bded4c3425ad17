/* eslint-disable no-control-regex -- these tests look for control characters */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { CSV_HEADER, CsvSink, csvField } from './csv.js';
import { HOSTILE_BANNER, HOSTS, collector, render } from './fixtures.js';
import { arbPort } from './arbitraries.js';

/** A strict RFC 4180 parser (§2): CRLF records, quoted fields with "" escapes. Throws on malformed input. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let i = 0;
  for (;;) {
    let field = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        const q = text.indexOf('"', i);
        if (q < 0) throw new Error('unterminated quoted field');
        field += text.slice(i, q);
        if (text[q + 1] === '"') {
          field += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
    } else {
      while (i < text.length && text[i] !== ',' && text[i] !== '\r' && text[i] !== '\n') {
        if (text[i] === '"') throw new Error(`quote inside unquoted field at ${i}`);
        field += text[i++];
      }
    }
    row.push(field);
    if (text[i] === ',') {
      i++;
      continue;
    }
    if (text.startsWith('\r\n', i)) {
      rows.push(row);
      row = [];
      i += 2;
      if (i === text.length) return rows;
      continue;
    }
    throw new Error(`expected , or CRLF at ${i}`);
  }
}

const GOLDEN = [
  "ip,hostname,port,proto,state,reason,service,banner,rtt_ms",
  "198.18.0.20,tn-linux.testnet.internal,80,tcp,open,syn-ack,http,HTTP/1.1 200 OK\\x0D\\x0AServer: nginx/1.22.1\\x0D\\x0AContent-Type: text/html,0.22",
  "2001:db8::10,,445,tcp,open,syn-ack,microsoft-ds,\\x00\\x00\\x00U\\xFFSMBr,0.5",
  "198.18.0.20,tn-linux.testnet.internal,22,tcp,open,syn-ack,ssh,SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3,0.18",
].join('\r\n') + '\r\n';

describe('csv', () => {
  it('matches the golden output', () => {
    assert.equal(render('csv', {}, HOSTS.slice(0, 3)), GOLDEN);
  });

  it('quotes per RFC 4180 and defuses formulas in a hostile row', () => {
    const rows = parseCsv(render('csv'));
    assert.deepEqual(rows[0], [...CSV_HEADER]);
    const evil = rows.find((r) => r[0] === '198.18.1.7');
    assert.ok(evil);
    assert.equal(evil[1], "evil\"<host>&'\n");
    assert.equal(evil[6], "'@ftp");
    assert.ok(evil[7]?.startsWith("'=cmd|"));
    assert.ok(!/[\x00\x07\x1b]/.test(evil[7] ?? ''), 'raw control characters are escaped');
    assert.ok(evil[7]?.includes('\\x1B[31m\\x00\\x07'));
    assert.ok(evil[7]?.includes('\r\n220 "hi"'), 'CR LF kept inside the quoted field');
    assert.ok(evil[7]?.endsWith('end\ufffd'), 'lone surrogate replaced');
    assert.notEqual(HOSTILE_BANNER, evil[7]);
  });

  it('guards every formula trigger (OWASP CSV injection)', () => {
    for (const c of ['=', '+', '-', '@', '\t', '\r']) assert.ok(csvField(`${c}1+1`).replace(/^"/, '').startsWith(`'${c}`), JSON.stringify(c));
    assert.equal(csvField('ok'), 'ok');
    assert.equal(csvField('a,b'), '"a,b"');
    assert.equal(csvField('say "x"'), '"say ""x"""');
    assert.equal(csvField(''), '');
  });

  it('writes only the header for an empty scan, and rows as ports arrive', () => {
    const c = collector();
    const sink = new CsvSink(c.out, { allStates: false });
    sink.begin({ args: [], startedAt: new Date(0), ports: [], scanner: 'perisai', version: '0', scanType: 'connect' });
    assert.equal(c.text(), CSV_HEADER.join(',') + '\r\n');
    sink.port({ type: 'port', ip: '::1', port: 22, proto: 'tcp', state: 'open', reason: 'syn-ack' });
    assert.equal(c.chunks.length, 2);
  });

  it('rows parse back with an RFC 4180 parser (property)', () => {
    const expected = (v: string) => {
      let s = v.replace(/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
      s = s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
      return /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
    };
    fc.assert(
      fc.property(fc.array(arbPort, { maxLength: 20 }), (ports) => {
        const c = collector();
        const sink = new CsvSink(c.out, { allStates: true });
        for (const p of ports) sink.port(p);
        sink.end({} as never);
        const rows = parseCsv(c.text());
        assert.deepEqual(rows[0], [...CSV_HEADER]);
        assert.equal(rows.length, ports.length + 1);
        ports.forEach((p, i) => {
          const row = rows[i + 1] ?? [];
          assert.equal(row.length, 9);
          assert.deepEqual(row.slice(0, 8), [p.ip, p.hostname ?? '', String(p.port), p.proto, p.state, p.reason, p.service ?? '', p.banner ?? ''].map(expected));
          if (p.rttMs !== undefined) assert.ok(Math.abs(Number(row[8]) - p.rttMs) <= 0.0005 + 1e-9 * p.rttMs);
          for (const f of row) assert.ok(!/^[=+\-@\t\r]/.test(f), `unguarded ${JSON.stringify(f)}`);
        });
      }),
      { numRuns: 300 },
    );
  });
});
