import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { observationKey, osSummary, parseJsonlRecord, parseSmbFact, smbSummary } from './observation.js';
import type { SmbFact } from './observation.js';
import { isPerisaiError } from './errors.js';

describe('JSONL records → observations', () => {
  it('reads the engine\'s port, host and summary lines', () => {
    const [p] = parseJsonlRecord('{"type":"port","ip":"198.18.0.20","port":445,"proto":"tcp","state":"open","reason":"syn-ack","rttMs":0.41,"service":"microsoft-ds"}');
    assert.equal(p?.kind, 'observation');
    assert.deepEqual(p?.kind === 'observation' && observationKey(p.observation), { kind: 'port', port: 445, key: '' });
    const [s] = parseJsonlRecord('{"type":"summary","startedAt":"x","hosts":1}');
    assert.equal(s?.kind, 'summary');
  });

  it('splits host facts (os, smb) off the host line', () => {
    const recs = parseJsonlRecord({
      type: 'host', ip: '198.18.0.31', state: 'up', reason: 'syn-ack', open: 2, closed: 0, filtered: 5,
      os: { name: 'Windows 7 Professional 7601 Service Pack 1', build: '7601', source: 'smb-ntlm', eol: true, wannacryRisk: true },
      smb: { dialects: ['NT LM 0.12', '2.0.2', '2.1'], smbv1: true, signing: 'enabled' },
    });
    assert.deepEqual(recs.map((r) => (r.kind === 'observation' ? observationKey(r.observation) : r.kind)), [
      { kind: 'host', port: 0, key: '' },
      { kind: 'fact', port: 0, key: 'os' },
      { kind: 'fact', port: 0, key: 'smb' },
    ]);
    const os = recs[1];
    assert.ok(os?.kind === 'observation' && os.observation.type === 'fact' && os.observation.fact === 'os');
    assert.equal((os.observation.value as { wannacryRisk?: boolean }).wannacryRisk, true);
  });

  it('reads check lines from the SMB checks, with evidence', () => {
    const [c] = parseJsonlRecord('{"type":"check","ip":"198.18.0.31","port":445,"check":"ms17-010","state":"vulnerable","reason":"STATUS_INSUFF_SERVER_RESOURCES on PeekNamedPipe FID 0","reasonCode":"insuff-server-resources","evidence":{"status":"0xc0000205"}}');
    assert.ok(c?.kind === 'observation' && c.observation.type === 'check');
    assert.equal(c.observation.state, 'vulnerable');
    assert.equal(c.observation.reasonCode, 'insuff-server-resources', 'the machine code the UI translates is kept');
    assert.deepEqual(c.observation.evidence, { status: '0xc0000205' });
    assert.deepEqual(observationKey(c.observation), { kind: 'check', port: 445, key: 'ms17-010' });
  });

  it('reads standalone os/smb/fact lines and canonicalises addresses', () => {
    const [o] = parseJsonlRecord('{"type":"smb","ip":"2001:DB8::0:1","dialects":["2.1"],"smbv1":false,"signing":"required"}');
    assert.ok(o?.kind === 'observation' && o.observation.type === 'fact');
    assert.equal(o.observation.ip, '2001:db8::1');
    const [f] = parseJsonlRecord({ type: 'fact', ip: '10.0.0.1', fact: 'rdp', value: { nla: true } });
    assert.ok(f?.kind === 'observation' && f.observation.type === 'fact' && f.observation.fact === 'rdp');
  });

  it('ignores record types added later, refuses malformed known ones', () => {
    assert.deepEqual(parseJsonlRecord('{"type":"traceroute","ip":"10.0.0.1"}'), []);
    for (const bad of ['nope', '[]', '{"type":"port","ip":"10.0.0.999","port":1,"state":"open"}', '{"type":"port","ip":"10.0.0.1","port":70000,"state":"open"}',
      '{"type":"port","ip":"10.0.0.1","port":1,"state":"half-open"}', '{"type":"check","ip":"10.0.0.1","check":"ms17-010","state":"safe"}', '{"type":"host","ip":"10.0.0.1","state":"maybe"}', '{"type":"os","ip":"10.0.0.1"}']) {
      assert.throws(() => parseJsonlRecord(bad), (e) => isPerisaiError(e, 'E_VALIDATION'), bad);
    }
  });
});

describe('three-valued SMB and OS facts', () => {
  // The engine's `smb` fact for a host whose SMB conversation failed (the lab's bulk hosts accept on 445 and
  // stay silent): src/engine/checks/host-facts.ts deriveSmbFacts, as `perisai scan --profile ransomware` prints it.
  const failed = {
    dialects: [], dialectsExact: false, smbv1: null, smb2: null, signing: 'unknown',
    ports: [{ port: 445, transport: 'direct-tcp', smbv1: 'unknown', reason: 'SMB1 probe failed: io-timeout at negotiate (no complete answer before the deadline)' }],
  };

  const smbOf = (line: unknown) => {
    const f = parseJsonlRecord(line).find((r) => r.kind === 'observation' && r.observation.type === 'fact' && r.observation.fact === 'smb');
    assert.ok(f?.kind === 'observation' && f.observation.type === 'fact');
    return f.observation.value as SmbFact;
  };

  it('a failed SMB conversation stays unknown: smbv1 null, signing unknown, the engine\'s fields kept', () => {
    const smb = smbOf({ type: 'host', ip: '198.18.1.7', state: 'up', reason: 'syn-ack', open: 1, closed: 1, filtered: 0, smb: failed });
    assert.equal(smb.smbv1, null);
    assert.equal(smb.signing, 'unknown');
    assert.deepEqual(smb.ports, failed.ports, 'per-port reasons kept for the export and the summary');
    const s = smbSummary(smb);
    assert.deepEqual(s, {
      smbv1: null, smbv1Reason: '445: SMB1 probe failed: io-timeout at negotiate (no complete answer before the deadline)',
      signing: null, dialects: null, dialectsComplete: false,
    });
    // The checks' reasons fill in where the fact has none (signing), and never override the fact's own.
    assert.equal(smbSummary(smb, { smbv1: 'other', signing: 'could not decide every protocol' })?.signingReason, 'could not decide every protocol');
    assert.match(smbSummary(smb, { smbv1: 'other' })?.smbv1Reason ?? '', /^445: SMB1 probe failed/);
  });

  it('why a fact is unknown in machine form: the engine\'s codes kept, derived from its per-port codes, else the checks\'; garbage dropped', () => {
    const ports = [{ port: 445, transport: 'direct-tcp', smbv1: 'unknown', reason: 'SMB1 probe failed: io-timeout at negotiate (x)', reasonCode: 'timeout' }];
    const engine = {
      dialects: [], dialectsExact: false, smbv1: null, signing: 'unknown', ports,
      signingReasonCodes: [{ protocol: 'smb1', port: 445, code: 'timeout' }, { protocol: 'smb2', note: { code: 'smb2-refused', params: { status: '0xC0000001', bogus: {} } } }, 'junk', { port: 1 }],
    };
    const s = smbSummary(parseSmbFact(engine), { smbv1Codes: [{ code: 'other' }], signingCodes: [{ code: 'other' }] });
    assert.deepEqual(s?.smbv1ReasonCodes, [{ protocol: 'smb1', port: 445, code: 'timeout' }], 'from the per-port codes, before the checks\'');
    assert.deepEqual(s?.signingReasonCodes, [{ protocol: 'smb1', port: 445, code: 'timeout' }, { protocol: 'smb2', note: { code: 'smb2-refused', params: { status: '0xC0000001' } } }]);
    assert.deepEqual(smbSummary(JSON.parse(JSON.stringify(s))), s, 'a stored summary reads back the same');
    // An engine without codes: the checks' codes stand in; none at all: no codes (the UI says "not recorded").
    const old = smbSummary(parseSmbFact({ ...engine, ports: [{ ...ports[0], reasonCode: undefined }], signingReasonCodes: undefined }), { smbv1Codes: [{ protocol: 'smb1', port: 445, code: 'timeout' }] });
    assert.deepEqual([old?.smbv1ReasonCodes, old?.signingReasonCodes], [[{ protocol: 'smb1', port: 445, code: 'timeout' }], undefined]);
    // A decided fact carries no reasons.
    assert.equal(smbSummary({ dialects: ['2.1'], dialectsExact: true, smbv1: false, signing: 'required', smbv1ReasonCodes: [{ code: 'timeout' }] })?.smbv1ReasonCodes, undefined);
  });

  it('SMB1 timed out while SMB2 answered: the SMB2 dialects do not make SMBv1 "no"', () => {
    const smb = smbOf({ type: 'smb', ip: '10.0.0.1', dialects: ['2.0.2', '2.1'], dialectsExact: false, smbv1: null, signing: 'enabled' });
    assert.equal(smb.smbv1, null);
    assert.deepEqual(smbSummary(smb), { smbv1: null, signing: 'enabled', dialects: ['2.0.2', '2.1'], dialectsComplete: false });
  });

  it('false only from an answer: the engine\'s false, or an exact dialect list without SMB1; true from an SMB1 dialect', () => {
    assert.equal(smbOf({ type: 'smb', ip: '10.0.0.1', dialects: ['2.1'], dialectsExact: true, smbv1: false, signing: 'required' }).smbv1, false);
    assert.equal(smbOf({ type: 'smb', ip: '10.0.0.1', dialects: ['2.1', '3.1.1'], dialectsExact: true, signing: 'required' }).smbv1, false);
    assert.equal(smbOf({ type: 'smb', ip: '10.0.0.1', dialects: ['2.1', '3.1.1'], signing: 'required' }).smbv1, null, 'a list nobody said is complete');
    assert.equal(smbOf({ type: 'smb', ip: '10.0.0.1', dialects: ['NT LM 0.12'], signing: true }).smbv1, true);
    assert.equal(smbOf({ type: 'smb', ip: '10.0.0.1', dialects: ['NT LM 0.12'], signing: true }).signing, 'required');
    assert.equal(smbOf({ type: 'smb', ip: '10.0.0.1', signing: 'enabled-not-required' }).signing, 'enabled');
    assert.equal(smbOf({ type: 'smb', ip: '10.0.0.1', signing: 'sometimes' }).signing, 'unknown');
  });

  it('property: without an SMBv1 answer and without an exact list, SMBv1 is never stored or shown as false', () => {
    const smb2 = fc.constantFrom('2.0.2', '2.1', '3.0', '3.0.2', '3.1.1', '2.???');
    fc.assert(fc.property(
      fc.record({
        dialects: fc.option(fc.array(smb2, { maxLength: 5 }), { nil: undefined }),
        dialectsExact: fc.constantFrom(false, undefined, 'yes', 1),
        smbv1: fc.constantFrom(null, undefined, 'unknown', 0, 'false'),
        signing: fc.constantFrom('unknown', 'required', 'enabled', 'disabled', undefined, null),
      }, { requiredKeys: [] }),
      (value) => {
        const smb = smbOf({ type: 'fact', ip: '10.0.0.9', fact: 'smb', value });
        assert.equal(smb.smbv1, null, JSON.stringify(value));
        const s = smbSummary(smb)!;
        assert.equal(s.smbv1, null);
        assert.equal(s.dialectsComplete, false);
        // What the store keeps reads back the same (assets.smb holds the summary).
        assert.deepEqual(smbSummary(JSON.parse(JSON.stringify(s))), s);
      },
    ), { numRuns: 500 });
  });

  it('pre-0007 assets.smb ({dialects, smbv1, signing}) reads as a summary; OS facts keep unknowns as null', () => {
    assert.deepEqual(smbSummary({ dialects: ['NT LM 0.12', '2.1'], smbv1: true, signing: 'disabled' }), { smbv1: true, signing: 'disabled', dialects: ['NT LM 0.12', '2.1'], dialectsComplete: false });
    assert.deepEqual(smbSummary({ dialects: [], smbv1: null, signing: 'unknown', dialectsComplete: false, smbv1Reason: 'timeout' }), { smbv1: null, smbv1Reason: 'timeout', signing: null, dialects: [], dialectsComplete: false });
    assert.equal(smbSummary('nope'), undefined);
    assert.deepEqual(osSummary({ name: 'Windows 7 Professional 7601 Service Pack 1', build: 7601, source: 'smb1-native-os', eol: true, family: 'windows' }), {
      name: 'Windows 7 Professional 7601 Service Pack 1', build: '7601', source: 'smb1-native-os', eol: true, wannacryRisk: null,
    });
    const [, os] = parseJsonlRecord({ type: 'host', ip: '10.0.0.1', state: 'up', reason: 'syn-ack', os: { name: 'Samba', family: 'samba', source: 'samba-tells', sambaTells: ['x'] } });
    assert.ok(os?.kind === 'observation' && os.observation.type === 'fact');
    assert.deepEqual([os.observation.value['family'], os.observation.value['eol']], ['samba', undefined], 'engine fields kept; eol absent = unknown');
  });
});
