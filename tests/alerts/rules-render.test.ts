// Pure parts of alerting: rule matching and validation, message rendering and escaping, channel config
// validation and redaction, back-off. No I/O.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { backoffMs, escapeHtml, redactConfig, renderAlert, RULE_PRESETS, ruleMatches, signBody, validateChannelConfig, validateRuleFilter } from '../../src/alerts/index.js';
import type { AlertContext } from '../../src/alerts/index.js';
import { isPerisaiError } from '../../src/domain/errors.js';

const facts = (o: Partial<Parameters<typeof ruleMatches>[1]> = {}) => ({ topic: 'finding.opened', agencyChain: ['rsud', 'dinkes', 'kota'], severity: 'critical' as const, port: 445, findingRule: 'doublepulsar', ...o });

describe('alert rules', () => {
  it('presets: critical finding, SMB/RDP newly reachable, DoublePulsar, reopened', () => {
    assert.ok(ruleMatches(RULE_PRESETS['critical-finding']!, facts()));
    assert.ok(!ruleMatches(RULE_PRESETS['critical-finding']!, facts({ severity: 'high' })));
    assert.ok(!ruleMatches(RULE_PRESETS['critical-finding']!, facts({ topic: 'finding.resolved' })));
    for (const port of [139, 445, 3389]) assert.ok(ruleMatches(RULE_PRESETS['smb-rdp-reachable']!, facts({ topic: 'change.port-opened', port, severity: 'high' })));
    assert.ok(!ruleMatches(RULE_PRESETS['smb-rdp-reachable']!, facts({ topic: 'change.port-opened', port: 80 })));
    assert.ok(ruleMatches(RULE_PRESETS.doublepulsar!, facts()));
    assert.ok(!ruleMatches(RULE_PRESETS.doublepulsar!, facts({ findingRule: 'ms17-010' })));
    assert.ok(ruleMatches(RULE_PRESETS['finding-reopened']!, facts({ topic: 'finding.reopened', severity: 'low' })));
  });

  it('agency subtree, exact agency, wildcard topics, missing facts never match a condition', () => {
    assert.ok(ruleMatches({ topics: ['finding.*'], agencyId: 'dinkes' }, facts()));
    assert.ok(!ruleMatches({ topics: ['finding.*'], agencyId: 'dinkes', includeDescendants: false }, facts()));
    assert.ok(ruleMatches({ topics: ['finding.*'], agencyId: 'rsud', includeDescendants: false }, facts()));
    assert.ok(!ruleMatches({ topics: ['finding.*'], agencyId: 'disdik' }, facts()));
    assert.ok(!ruleMatches({ topics: ['*'], agencyId: 'dinkes' }, facts({ agencyChain: [] })));
    assert.ok(!ruleMatches({ topics: ['*'], minSeverity: 'low' }, facts({ severity: null })));
    assert.ok(!ruleMatches({ topics: ['*'], ports: [445] }, facts({ port: null })));
  });

  it('rule data is validated', () => {
    assert.deepEqual(validateRuleFilter({ topics: ['change.port-opened'], ports: [445], minSeverity: 'high' }), { topics: ['change.port-opened'], ports: [445], minSeverity: 'high' });
    for (const bad of [{}, { topics: [] }, { topics: ['x'], minSeverity: 'urgent' }, { topics: ['x'], ports: [0] }, { topics: ['x'], agencyId: 3 }, { topics: ['x y'] }]) {
      assert.throws(() => validateRuleFilter(bad), (e: unknown) => isPerisaiError(e, 'E_VALIDATION'), JSON.stringify(bad));
    }
  });
});

const base: AlertContext = {
  topic: 'finding.opened', dedupKey: 'finding:1:detected:job', agency: { id: 'a', code: 'RSUD', name: 'RSUD Kota' }, severity: 'critical', ip: '10.20.5.7', hostname: null, port: 445,
  title: { id: 'Implan DoublePulsar terdeteksi', en: 'DoublePulsar implant detected' }, findingRule: 'doublepulsar', service: null, at: '2025-06-02T01:00:00.000Z',
};

describe('alert rendering', () => {
  it('Bahasa Indonesia first, then English', () => {
    const r = renderAlert(base);
    assert.equal(r.subject, '[Perisai] KRITIS: Implan DoublePulsar terdeteksi pada 10.20.5.7 (RSUD Kota)');
    const id = r.text.indexOf('Implan DoublePulsar');
    const en = r.text.indexOf('CRITICAL: DoublePulsar implant detected on 10.20.5.7');
    assert.ok(id >= 0 && en > id, r.text);
    assert.match(r.text, /Instansi \/ Agency: RSUD Kota \(RSUD\)/);
  });

  it('hostile strings are escaped in HTML and Telegram, flattened in the subject', () => {
    const evil = '<img src=x onerror=alert(1)>&"\r\nBcc: x@evil.example';
    const r = renderAlert({ ...base, hostname: evil, agency: { id: 'a', code: 'R', name: 'RSUD </b><script>' } });
    assert.ok(!/[\r\n]/.test(r.subject));
    assert.ok(!r.html.includes('<img') && !r.html.includes('<script>'));
    assert.ok(r.html.includes('&lt;img src=x onerror=alert(1)&gt;&amp;&quot;'));
    assert.ok(!r.telegram.includes('<img') && !r.telegram.includes('</b><script>'));
    // only our own tags remain in the Telegram text
    assert.deepEqual([...new Set(r.telegram.match(/<\/?[a-z]+>/g))].sort(), ['</b>', '</code>', '</i>', '<b>', '<code>', '<i>']);
    assert.equal(escapeHtml('a<b>&"c'), 'a&lt;b&gt;&amp;&quot;c');
  });

  it('a huge banner is cut below Telegram\'s 4096-character limit', () => {
    const r = renderAlert({ ...base, topic: 'change.port-opened', service: 'x'.repeat(10_000), hostname: 'h'.repeat(10_000) });
    assert.ok(r.telegram.length <= 4096);
    assert.ok(r.subject.length <= 250);
  });
});

describe('channel config', () => {
  it('validates and redacts secrets', () => {
    const email = validateChannelConfig('email', { host: 'smtp.kota.example', port: 587, auth: { user: 'u', pass: 'p4ss' }, from: 'perisai@kota.example', to: 'csirt@kota.example' });
    assert.deepEqual(redactConfig('email', email), { host: 'smtp.kota.example', port: 587, security: 'starttls', from: 'perisai@kota.example', auth: { user: 'u', pass: '***' }, to: ['csirt@kota.example'] });
    assert.equal(redactConfig('telegram', { botToken: '123:SECRET', chatId: 1 }).botToken, '123:***');
    assert.equal(redactConfig('webhook', { url: 'https://x.example', secret: 's' }).secret, '***');
    const hook = redactConfig('webhook', { url: 'https://svc:kunci@x.example/hook', secret: 's', headers: { Authorization: 'Bearer rahasia' } });
    assert.deepEqual(hook.headers, { Authorization: '***' });
    assert.equal(hook.url, 'https://svc:***@x.example/hook');
    assert.ok(!JSON.stringify(hook).includes('rahasia') && !JSON.stringify(hook).includes('kunci'));
    for (const [kind, bad] of [['email', { host: 'h', from: 'f@x' }], ['email', { host: 'h', from: 'f@x', to: ['not-an-address'] }], ['webhook', { url: 'ftp://x' }], ['telegram', { botToken: '../x', chatId: 1 }], ['telegram', { botToken: '1:a' }]] as const) {
      assert.throws(() => validateChannelConfig(kind, bad), (e: unknown) => isPerisaiError(e, 'E_VALIDATION') && !(e as Error).message.includes('SECRET'), JSON.stringify(bad));
    }
  });

  it('HMAC-SHA256 signature (RFC 2104 / RFC 4231 test case 2)', () => {
    assert.equal(signBody('Jefe', 'what do ya want for nothing?'), 'sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
  });

  it('back-off doubles up to the cap', () => {
    assert.deepEqual([1, 2, 3, 4, 10, 100].map((a) => backoffMs(a, 1000, 10_000)), [1000, 2000, 4000, 8000, 10_000, 10_000]);
  });
});

describe('change messages from the monitoring finalizer', () => {
  it('check-changed carries the check id as the rule a filter can name; severity "info" counts as low', async () => {
    const { findingRuleOf, severityOfMessage } = await import('../../src/alerts/rules.js');
    assert.equal(findingRuleOf({ kind: 'check-changed', check: 'doublepulsar', to: 'vulnerable' }), 'doublepulsar');
    assert.equal(severityOfMessage('change.check-changed', { severity: 'critical' }), 'critical');
    assert.equal(severityOfMessage('change.port-opened', { port: 445, severity: 'high' }), 'high');
    assert.equal(severityOfMessage('change.port-opened', { port: 8080, severity: 'info' }), 'low');
    // A verdict on 445 that became unknown is neither an SMB port newly reachable nor an all-clear: low.
    assert.equal(severityOfMessage('change.check-changed', { port: 445, check: 'ms17-010', from: 'vulnerable', to: 'unknown', severity: 'info' }), 'low');
    assert.equal(severityOfMessage('change.port-opened', { port: 445 }), 'high', 'without the detector\'s severity, the port decides');
    const r = renderAlert({ ...base, topic: 'change.check-changed', title: { id: 'Hasil pemeriksaan doublepulsar berubah menjadi vulnerable', en: 'Check doublepulsar changed to vulnerable' } });
    assert.equal(r.subject, '[Perisai] KRITIS: Hasil pemeriksaan doublepulsar berubah menjadi vulnerable pada 10.20.5.7 (RSUD Kota)');
  });
});
