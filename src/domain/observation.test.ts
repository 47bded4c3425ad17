import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { observationKey, parseJsonlRecord } from './observation.js';
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
