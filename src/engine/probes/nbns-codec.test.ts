// NBSTAT codec (RFC 1002 §4.2.17/4.2.18, docs/smb-detection.md §7.3) against the lab capture of
// Samba's nmbd [L:ns1_probe_nbns#1/#2]: our query byte for byte, the answer's names and unit id,
// round trips, and hostile datagrams (truncated, oversized counts, random bytes) → DecodeError only.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DecodeError } from '../protocols/bytes/errors.js';
import { toHex } from '../protocols/bytes/hex.js';
import { decodeNbstatResponse, encodeNbstatQuery, encodeNbstatResponse, NbNameFlags } from './nbns-codec.js';
import { loadProbeFixture } from './fixtures/load.js';

const query = loadProbeFixture('ns1-probe-nbns-001-nbstat-query-probe.hex').frame;
const answer = loadProbeFixture('ns1-probe-nbns-002-nbstat-response-samba.hex').frame;

describe('NBSTAT query', () => {
  test('is the 50-byte query of the lab capture (transaction id 0x1337)', () => {
    const q = encodeNbstatQuery(0x1337);
    assert.equal(q.length, 50);
    assert.equal(toHex(q), toHex(query));
  });
});

describe('NBSTAT response', () => {
  test('decodes Samba nmbd: 7 names, workgroup group names, unit id all zeros', () => {
    const r = decodeNbstatResponse(answer);
    assert.equal(r.transactionId, 0x1337);
    assert.equal(r.flags, 0x8400);
    assert.deepEqual(
      r.names.map((n) => `${n.name}<${n.suffix.toString(16).padStart(2, '0')}>${n.group ? 'G' : 'U'}`),
      ['LABSMB1<00>U', 'LABSMB1<03>U', 'LABSMB1<20>U', '\u0001\u0002__MSBROWSE__\u0002<01>G', 'CITYLAB<00>G', 'CITYLAB<1d>U', 'CITYLAB<1e>G'],
    );
    assert.ok(r.names.every((n) => n.active && n.nodeType === 'B'));
    assert.equal(r.unitId, '00:00:00:00:00:00');
  });

  test('round trip through the fake-server encoder', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0xffff }),
        fc.array(fc.record({ name: fc.stringMatching(/^[A-Z0-9-]{1,15}$/), suffix: fc.integer({ min: 0, max: 255 }), flags: fc.integer({ min: 0, max: 0xffff }) }), { maxLength: 20 }),
        fc.uint8Array({ minLength: 6, maxLength: 6 }),
        (txid, names, unit) => {
          const r = decodeNbstatResponse(encodeNbstatResponse({ transactionId: txid, names, unitId: unit }));
          assert.equal(r.transactionId, txid);
          assert.deepEqual(r.names.map((n) => [n.name, n.suffix, n.flags]), names.map((n) => [n.name, n.suffix, n.flags]));
          assert.equal(r.unitId, [...unit].map((b) => b.toString(16).padStart(2, '0')).join(':'));
          assert.equal(r.names.every((n, i) => n.group === ((names[i]?.flags ?? 0) & NbNameFlags.GROUP) > 0), true);
        },
      ),
    );
  });

  test('a compression pointer as owner name and an echoed question are accepted', () => {
    const hdr = answer.subarray(0, 12).slice();
    hdr[5] = 1; // QDCOUNT 1
    const question = query.subarray(12);
    const rest = answer.subarray(12 + 34);
    const withQuestion = Uint8Array.from([...hdr, ...question, 0xc0, 0x0c, ...rest]);
    assert.equal(decodeNbstatResponse(withQuestion).names.length, 7);
  });

  test('malformed answers: every truncation, a query, a negative answer, an oversized name count', () => {
    for (let n = 0; n < answer.length; n++) {
      assert.throws(() => decodeNbstatResponse(answer.subarray(0, n)), DecodeError, `truncated at ${n}`);
    }
    assert.throws(() => decodeNbstatResponse(query), (e: unknown) => e instanceof DecodeError && e.field === 'NBNS.Flags');
    const neg = answer.slice();
    neg[3] = 0x03; // RCODE 3
    assert.throws(() => decodeNbstatResponse(neg), DecodeError);
    const many = answer.slice();
    many[12 + 34 + 10] = 0xff; // NUM_NAMES 255 in 173 bytes of RDATA
    assert.throws(() => decodeNbstatResponse(many), (e: unknown) => e instanceof DecodeError && e.code === 'truncated');
    const bigRd = answer.slice();
    bigRd[12 + 34 + 8] = 0xff; // RDLENGTH 0xFFAD beyond the datagram
    assert.throws(() => decodeNbstatResponse(bigRd), DecodeError);
  });

  test('property: random datagrams and mutated answers only ever throw DecodeError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
        try {
          decodeNbstatResponse(bytes);
        } catch (e) {
          assert.ok(e instanceof DecodeError, String(e));
        }
      }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: answer.length - 1 }), fc.integer({ min: 0, max: 255 }), (at, value) => {
        const m = answer.slice();
        m[at] = value;
        try {
          decodeNbstatResponse(m);
        } catch (e) {
          assert.ok(e instanceof DecodeError, String(e));
        }
      }),
    );
  });
});
