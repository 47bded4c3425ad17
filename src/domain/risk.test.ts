import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { conditionLooked, DEFAULT_RISK_RULES, evaluateCondition, evaluateCondition3, factsFromObservations, rateAfterScan, rateAsset, validateRiskRules } from './risk.js';
import type { AssetFacts, RatingCoverage } from './risk.js';
import type { Observation } from './observation.js';
import { isPerisaiError } from './errors.js';

const port = (p: number, state: 'open' | 'closed' | 'filtered' = 'open'): Observation => ({ type: 'port', ip: '10.0.0.5', port: p, proto: 'tcp', state, reason: state === 'open' ? 'syn-ack' : state === 'closed' ? 'conn-refused' : 'no-response' });
const check = (id: string, state: 'vulnerable' | 'not-vulnerable' | 'unknown', p = 445): Observation => ({ type: 'check', ip: '10.0.0.5', port: p, check: id, state });
const win7: Observation = { type: 'fact', ip: '10.0.0.5', fact: 'os', value: { name: 'Windows 7 Professional 7601 Service Pack 1', source: 'smb-ntlm', eol: true, wannacryRisk: true } };
const smb1: Observation = { type: 'fact', ip: '10.0.0.5', fact: 'smb', value: { dialects: ['NT LM 0.12', '2.1'], smbv1: true, signing: 'enabled' } };

function rate(obs: Observation[], vantage: AssetFacts['vantage'] = 'internal') {
  const r = rateAsset(factsFromObservations(obs, vantage));
  return { rating: r.rating, ids: r.matched.map((m) => m.id) };
}

describe('risk rules (data)', () => {
  it('critical: DoublePulsar detected or MS17-010 vulnerable', () => {
    assert.equal(rate([port(445), check('doublepulsar', 'vulnerable'), check('ms17-010', 'not-vulnerable')]).rating, 'critical');
    const r = rate([port(445), check('ms17-010', 'vulnerable'), check('doublepulsar', 'not-vulnerable')]);
    assert.equal(r.rating, 'critical');
    assert.equal(r.ids[0], 'ms17-010-vulnerable');
  });

  it('high: SMBv1 on an at-risk Windows version; SMB or RDP reachable from outside the segment', () => {
    assert.equal(rate([port(445), smb1, win7, check('ms17-010', 'not-vulnerable'), check('doublepulsar', 'not-vulnerable')]).ids[0], 'smbv1-at-risk-windows');
    const byName: Observation = { type: 'fact', ip: '10.0.0.5', fact: 'os', value: { name: 'Windows Server 2008 R2 Standard 7601', source: 'smb-ntlm' } };
    assert.equal(rate([port(445), smb1, byName, check('ms17-010', 'not-vulnerable'), check('doublepulsar', 'not-vulnerable')]).rating, 'high', 'OS name pattern as fallback');
    const fine = [port(445), check('ms17-010', 'not-vulnerable'), check('doublepulsar', 'not-vulnerable')];
    assert.equal(rate(fine, 'internal').rating, 'low');
    assert.equal(rate(fine, 'inter-agency').rating, 'high');
    assert.deepEqual(rate([port(3389)], 'internet').ids, ['rdp-exposed']);
    assert.equal(rate([port(3389)], 'internal').rating, 'none');
  });

  it('unknown where the checks could not run — never "safe"', () => {
    assert.equal(rate([port(445)]).rating, 'unknown', 'no check verdict at all');
    assert.equal(rate([port(445), check('ms17-010', 'unknown'), check('doublepulsar', 'not-vulnerable')]).rating, 'unknown');
    assert.equal(rate([port(445), smb1, check('ms17-010', 'unknown'), check('doublepulsar', 'not-vulnerable')]).rating, 'unknown', 'unknown outranks medium');
    assert.equal(rate([port(445, 'closed')]).rating, 'none');
  });

  it('merges verdicts across ports: the decisive one wins', () => {
    const f = factsFromObservations([check('ms17-010', 'unknown', 139), check('ms17-010', 'not-vulnerable', 445)], 'internal');
    assert.equal(f.checks['ms17-010'], 'not-vulnerable');
    const g = factsFromObservations([check('ms17-010', 'vulnerable', 139), check('ms17-010', 'not-vulnerable', 445)], 'internal');
    assert.equal(g.checks['ms17-010'], 'vulnerable');
  });

  it('every default rule has reasons in Bahasa Indonesia and English, and survives validation as data', () => {
    const round = validateRiskRules(JSON.parse(JSON.stringify(DEFAULT_RISK_RULES)));
    assert.deepEqual(round, DEFAULT_RISK_RULES);
    for (const r of DEFAULT_RISK_RULES) assert.ok(r.reason.id.length > 10 && r.reason.en.length > 10, r.id);
  });

  it('rejects malformed rule data with the path', () => {
    const bad = [
      [{ id: 'x', rating: 'severe', when: { portOpen: [1] }, reason: { id: 'a', en: 'b' } }],
      [{ id: 'x', rating: 'high', when: { portOpen: [0] }, reason: { id: 'a', en: 'b' } }],
      [{ id: 'x', rating: 'high', when: { all: [{ check: 'ms17-010', state: ['bad'] }] }, reason: { id: 'a', en: 'b' } }],
      [{ id: 'x', rating: 'high', when: { fact: 'os.colour', equals: 'red' }, reason: { id: 'a', en: 'b' } }],
      [{ id: 'x', rating: 'high', when: { fact: 'os.name', matches: '(' }, reason: { id: 'a', en: 'b' } }],
      [{ id: 'x', rating: 'high', when: { portOpen: [1] }, reason: { en: 'b' } }],
      [{ id: 'x', rating: 'high', when: { portOpen: [1] }, reason: { id: 'a', en: 'b' } }, { id: 'x', rating: 'low', when: { portOpen: [1] }, reason: { id: 'a', en: 'b' } }],
      [{ id: 'x', rating: 'high', when: { portOpen: [1], vantage: ['internal'] }, reason: { id: 'a', en: 'b' } }],
    ];
    for (const b of bad) assert.throws(() => validateRiskRules(b), (e) => isPerisaiError(e, 'E_VALIDATION'), JSON.stringify(b));
  });

  it('conditions: not, criticality, dialect lists', () => {
    const f = factsFromObservations([smb1], 'internal', 'vital');
    assert.equal(evaluateCondition({ not: { criticality: ['vital'] } }, f), false);
    assert.equal(evaluateCondition({ fact: 'smb.dialects', equals: 'NT LM 0.12' }, f), true);
    assert.equal(evaluateCondition({ fact: 'os.eol', equals: true }, f), false, 'a missing fact never matches');
    // conditions over the findings lifecycle: an accepted MS17-010 finding can be rated by a rule of its own
    const g = { ...f, findings: { 'ms17-010': 'accepted-risk' as const } };
    assert.equal(evaluateCondition({ finding: 'ms17-010', status: ['accepted-risk', 'false-positive'] }, g), true);
    assert.equal(evaluateCondition({ finding: 'doublepulsar', status: ['none'] }, g), true);
    const rules = validateRiskRules([{ id: 'accepted-critical', rating: 'medium', when: { finding: 'ms17-010', status: ['accepted-risk'] }, reason: { id: 'Risiko diterima', en: 'Risk accepted' } }]);
    assert.equal(rateAsset(g, rules).rating, 'medium');
    assert.throws(() => validateRiskRules([{ id: 'x', rating: 'low', when: { finding: 'ms17-010', status: ['closed'] }, reason: { id: 'a', en: 'b' } }]), /status/);
  });

  it('unknown facts are unknown in rules (three-valued): neither "yes" nor, through `not`, "safe"', () => {
    // The engine's smb fact for a host whose SMB conversation failed (src/domain/observation.test.ts).
    const failedSmb: Observation = { type: 'fact', ip: '10.0.0.5', fact: 'smb', value: { dialects: [], dialectsExact: false, smbv1: null, signing: 'unknown' } };
    const failed = [port(445), failedSmb, check('smbv1', 'unknown'), check('smb-signing', 'unknown'), check('ms17-010', 'unknown'), check('doublepulsar', 'unknown')];
    const f = factsFromObservations(failed, 'internal');
    assert.equal(evaluateCondition3({ fact: 'smb.smbv1', equals: true }, f), null);
    assert.equal(evaluateCondition3({ fact: 'smb.smbv1', equals: false }, f), null);
    assert.equal(evaluateCondition({ not: { fact: 'smb.smbv1', equals: true } }, f), false, '"SMBv1 not offered" is not known');
    assert.equal(evaluateCondition({ not: { fact: 'smb.signing', equals: 'disabled' } }, f), false, 'signing "unknown" is no value');
    assert.equal(evaluateCondition3({ fact: 'smb.dialects', equals: 'NT LM 0.12' }, f), null, 'an inexact list may lack it');
    assert.equal(evaluateCondition({ not: { fact: 'smb.dialects', equals: 'NT LM 0.12' } }, f), false);
    // Kleene: false wins `all`, true wins `any`, whatever is unknown beside it.
    assert.equal(evaluateCondition3({ all: [{ fact: 'smb.smbv1', equals: true }, { portOpen: [3389] }] }, f), false);
    assert.equal(evaluateCondition3({ any: [{ fact: 'smb.smbv1', equals: true }, { portOpen: [445] }] }, f), true);
    assert.equal(evaluateCondition3({ any: [{ fact: 'smb.smbv1', equals: true }, { portOpen: [3389] }] }, f), null);
    // A rule written as "safe when SMBv1 is off" does not call the unchecked host safe; the real "no" does.
    const rules = validateRiskRules([{ id: 'smbv1-off', rating: 'low', when: { all: [{ portOpen: [445] }, { fact: 'smb.smbv1', equals: false }] }, reason: { id: 'SMBv1 mati', en: 'SMBv1 off' } }]);
    assert.equal(rateAsset(f, rules).rating, 'none');
    const off: Observation = { type: 'fact', ip: '10.0.0.5', fact: 'smb', value: { dialects: ['2.1'], dialectsExact: true, smbv1: false, signing: 'required' } };
    assert.equal(rateAsset(factsFromObservations([port(445), off], 'internal'), rules).rating, 'low');
    // The default rules rate the unchecked host "unknown", never low or none.
    assert.equal(rate(failed).rating, 'unknown');
    assert.ok(rate(failed).ids.includes('ms17-010-unchecked'));
    assert.equal(evaluateCondition({ fact: 'smb.dialects', equals: '3.1.1' }, factsFromObservations([off], 'internal')), false, 'an exact list without it: no');
  });

  it('a narrower scan never lowers a rating by not looking: rules it did not look at keep their last verdict, open findings their severity', () => {
    const SMB_CHECKS = [{ id: 'ms17-010', ports: [445, 139] }, { id: 'doublepulsar', ports: [445] }, { id: 'smbv1', ports: [445, 139] }, { id: 'smb-signing', ports: [445, 139] }];
    const full: RatingCoverage = { ports: [139, 445, 3389], checks: [...SMB_CHECKS, { id: 'rdp-exposed', ports: [3389] }], vantage: 'inter-agency' };
    const port1: RatingCoverage = { ports: [1], checks: [], vantage: 'inter-agency' };
    // The full scan from another agency's segment: SMB and RDP reachable, checks say patched → high.
    const first = rateAfterScan(factsFromObservations([port(445), port(3389), check('ms17-010', 'not-vulnerable'), check('doublepulsar', 'not-vulnerable')], 'inter-agency'), full, []);
    assert.deepEqual([first.rating, first.matched.map((r) => r.id)], ['high', ['smb-exposed', 'rdp-exposed']]);
    const before = first.matched.map((r) => r.id);
    // ports=1: nothing it could see bears on SMB or RDP. Before this rule the rating fell to "none".
    const narrow = factsFromObservations([port(1, 'closed')], 'inter-agency');
    assert.equal(rateAsset(narrow).rating, 'none', 'the scan alone says nothing');
    assert.deepEqual(rateAfterScan(narrow, port1, before).matched.map((r) => r.id), ['smb-exposed', 'rdp-exposed']);
    // With three high findings open and no earlier verdict at all, the findings alone keep it high.
    const floor = rateAfterScan({ ...narrow, openFindings: ['high', 'high', 'high', 'low'] }, port1, []);
    assert.deepEqual([floor.rating, floor.matched.map((r) => r.id)], ['high', ['open-high-finding']]);
    assert.equal(rateAfterScan({ ...narrow, openFindings: ['medium'] }, port1, []).rating, 'none', 'only critical and high findings hold the rating');
    // An internal scan cannot see what is reachable from outside: the exposure stays; a full scan from outside that finds SMB and RDP closed lowers it.
    const internal = rateAfterScan(factsFromObservations([port(445, 'closed'), port(3389, 'closed')], 'internal'), { ...full, vantage: 'internal' }, before);
    assert.deepEqual(internal.matched.map((r) => r.id), ['smb-exposed', 'rdp-exposed']);
    const closedNow = rateAfterScan(factsFromObservations([port(445, 'closed'), port(3389, 'closed'), port(139, 'closed')], 'inter-agency'), full, before);
    assert.deepEqual([closedNow.rating, closedNow.matched], ['none', []]);
    // A port-only profile probes 445 but runs no check: the MS17-010 verdict of the last scan that ran it stays.
    const critical = rateAfterScan(factsFromObservations([port(445), check('ms17-010', 'vulnerable')], 'internal'), { ...full, vantage: 'internal' }, []);
    assert.equal(critical.rating, 'critical');
    const portsOnly = rateAfterScan(factsFromObservations([port(445)], 'internal'), { ports: [139, 445], checks: [], vantage: 'internal' }, critical.matched.map((r) => r.id));
    assert.equal(portsOnly.rating, 'critical');
    assert.ok(portsOnly.matched.some((r) => r.id === 'ms17-010-unchecked'), 'and what this scan could not check is said');
  });

  it('what a scan looked at: ports probed, checks run on one of their ports, SMB facts over SMB, the vantage', () => {
    const cov: RatingCoverage = { ports: [445], checks: [{ id: 'ms17-010', ports: [445, 139] }], vantage: 'internal' };
    assert.equal(conditionLooked({ portOpen: [445] }, cov), true);
    assert.equal(conditionLooked({ portOpen: [139, 445] }, cov), false, '139 was not probed');
    assert.equal(conditionLooked({ check: 'ms17-010', state: ['vulnerable'] }, cov), true);
    assert.equal(conditionLooked({ check: 'doublepulsar', state: ['vulnerable'] }, cov), false, 'not run');
    assert.equal(conditionLooked({ check: 'ms17-010', state: ['vulnerable'] }, { ...cov, ports: [3389] }), false, 'run, but none of its ports probed');
    assert.equal(conditionLooked({ fact: 'os.eol', equals: true }, cov), true);
    assert.equal(conditionLooked({ fact: 'os.eol', equals: true }, { ...cov, checks: [] }), false, 'no SMB conversation');
    assert.equal(conditionLooked({ vantage: ['internet'] }, cov), false);
    assert.equal(conditionLooked({ all: [{ portOpen: [445] }, { criticality: ['vital'] }, { openFinding: ['high'] }] }, cov), true);
    assert.equal(conditionLooked({ any: [{ portOpen: [445] }, { portOpen: [3389] }] }, cov), false, 'every part');
    assert.equal(conditionLooked({ check: 'doublepulsar', state: ['vulnerable'] }, { ...cov, checks: null }), true, 'checks not recorded (older jobs): as before');
    assert.throws(() => validateRiskRules([{ id: 'x', rating: 'high', when: { openFinding: ['severe'] }, reason: { id: 'a', en: 'b' } }]), /severity "severe"/);
  });
});
