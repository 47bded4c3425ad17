// The result pages' formatters (web/src/format.ts): banners as the engine stores them, split into text,
// marked escapes and line breaks; reason codes to dictionary keys; remediation code spans; the worst verdict.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { sanitizeBanner, unescapeBanner } from '../../src/engine/banner/service-rules.js';
import { bannerParts, binaryShare, codeSpans, evidenceValueKey, isEngineTextField, isHexKey, isReasonField, notApplicable, reasonMessage, sourceVia, worstState } from '../../web/src/format.js';
import type { BannerPart } from '../../web/src/format.js';
import { banner, MYSQL_GREETING } from './engine-samples.js';

/** The stored text back from parts (what the reader is shown, escapes written out again). */
function stored(parts: readonly BannerPart[]): string {
  return parts.map((p) => (p.kind === 'text' ? p.text.replace(/\\/g, '\\\\') : p.kind === 'newline' ? p.code : p.code.repeat(p.count))).join('');
}

test('a text banner: text as it is, CR LF and LF as marked breaks, a backslash as itself', () => {
  const s = sanitizeBanner(new TextEncoder().encode('220 ftp.kota.go.id FTP\\server ready\r\nline two\nend\r\n'));
  assert.deepEqual(bannerParts(s), [
    { kind: 'text', text: '220 ftp.kota.go.id FTP\\server ready' },
    { kind: 'newline', code: '\\x0D\\x0A' },
    { kind: 'text', text: 'line two' },
    { kind: 'newline', code: '\\x0A' },
    { kind: 'text', text: 'end' },
  ]);
});

test('a binary banner: escapes apart from text, runs of one byte counted, 0x0A a byte and not a line break', () => {
  const s = banner(3306, MYSQL_GREETING).banner;
  const parts = bannerParts(s);
  assert.deepEqual(parts.slice(0, 5), [
    { kind: 'text', text: 'J' },
    { kind: 'escape', code: '\\x00', count: 3 },
    { kind: 'escape', code: '\\x0A', count: 1 },
    { kind: 'text', text: '8.0.36' },
    { kind: 'escape', code: '\\x00', count: 1 },
  ]);
  assert.ok(parts.some((p) => p.kind === 'escape' && p.code === '\\x00' && p.count === 10), 'the ten NUL of the filler are one part');
  assert.ok(!parts.some((p) => p.kind === 'newline'));
  assert.ok(binaryShare(parts) >= 0.3, `binary share ${binaryShare(parts)}`);
  assert.deepEqual(parts.slice(-3), [{ kind: 'escape', code: '\\x07', count: 1 }, { kind: 'text', text: 'caching_sha2_password' }, { kind: 'escape', code: '\\x00', count: 1 }]);
  // Text that only looks like an escape is text: "\\x41" is stored as "\\\\x41".
  assert.deepEqual(bannerParts(sanitizeBanner(new TextEncoder().encode('path C:\\x41'))), [{ kind: 'text', text: 'path C:\\x41' }]);
  // A lone backslash (text sanitizeBanner did not write) stays text; lower-case hex is an escape all the same.
  assert.deepEqual(bannerParts('a\\b\\x0d'), [{ kind: 'text', text: 'a\\b' }, { kind: 'escape', code: '\\x0D', count: 1 }]);
  assert.deepEqual(bannerParts(''), []);
  assert.equal(binaryShare([]), 0);
});

test('property: whatever the bytes, the parts give back exactly what was stored, and no escape hides in text', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
    const s = sanitizeBanner(bytes);
    const parts = bannerParts(s);
    assert.equal(stored(parts), s.replace(/\\x([0-9a-f]{2})/g, (_m, h: string) => `\\x${h.toUpperCase()}`));
    assert.deepEqual(unescapeBanner(stored(parts)), unescapeBanner(s));
    for (const p of parts) {
      if (p.kind === 'text') assert.ok(!/[^\x20-\x7e]/.test(p.text), `text part ${JSON.stringify(p.text)} is printable`);
      if (p.kind === 'escape') assert.ok(p.count >= 1 && /^\\x[0-9A-F]{2}$/.test(p.code));
    }
    for (let i = 1; i < parts.length; i++) {
      const a = parts[i - 1]!;
      const b = parts[i]!;
      assert.ok(!(a.kind === 'text' && b.kind === 'text'), 'adjacent texts are merged');
      assert.ok(!(a.kind === 'escape' && b.kind === 'escape' && a.code === b.code), 'a run of one byte is one part');
    }
  }), { numRuns: 500 });
});

test('reason codes: the exact key, or the longest prefix whose message takes the detail; nothing for an unknown code', () => {
  const messages = new Map([
    ['reason.smb1-disabled', 'SMBv1 nonaktif.'],
    ['reason.patched.access-denied', 'sudah ditambal'],
    ['reason.auth-refused', 'ditolak dengan {detail}'],
    ['reason.reset-at', 'diputus pada {detail}'],
    ['reason.reset-at-probe', 'diputus saat pemeriksaan'],
    ['reason.netbios', 'no detail here'],
  ]);
  const m = (k: string) => messages.get(k);
  assert.deepEqual(reasonMessage('smb1-disabled', m), { key: 'reason.smb1-disabled' });
  assert.deepEqual(reasonMessage('patched:access-denied', m), { key: 'reason.patched.access-denied' });
  assert.deepEqual(reasonMessage('auth-refused:0xC000006D', m), { key: 'reason.auth-refused', detail: '0xC000006D' });
  assert.deepEqual(reasonMessage('reset-at-probe', m), { key: 'reason.reset-at-probe' });
  assert.deepEqual(reasonMessage('reset-at-netbios-session', m), { key: 'reason.reset-at', detail: 'netbios-session' });
  assert.equal(reasonMessage('netbios-session-refused', m), undefined, 'a prefix message without {detail} is not used');
  assert.equal(reasonMessage('something-new', m), undefined);
});

test('remediation code spans, hex keys, the worst verdict, not-applicable results', () => {
  assert.deepEqual(codeSpans('Run `Set-SmbServerConfiguration -EnableSMB1Protocol $false` now.'), [
    { code: false, text: 'Run ' }, { code: true, text: 'Set-SmbServerConfiguration -EnableSMB1Protocol $false' }, { code: false, text: ' now.' },
  ]);
  assert.deepEqual(codeSpans('no code'), [{ code: false, text: 'no code' }]);
  assert.ok(isHexKey('responseHex') && isHexKey('sig1') && !isHexKey('status'));
  assert.equal(worstState(['not-vulnerable', 'unknown']), 'unknown');
  assert.equal(worstState(['unknown', 'vulnerable', 'likely-vulnerable']), 'vulnerable');
  assert.equal(worstState(['not-vulnerable']), 'not-vulnerable');
  assert.equal(worstState([]), 'unknown', 'nothing known is unknown, never safe');
  assert.ok(notApplicable('not-applicable:no-open-port') && !notApplicable('smb1-disabled') && !notApplicable(null));
});

test('evidence values: enumerations by their dictionary key, OS sources split from their protocol, reason and engine-note fields', () => {
  assert.equal(evidenceValueKey('signing', 'disabled'), 'evidence.value.signing.disabled');
  assert.equal(evidenceValueKey('smb1Signing', 'required'), 'evidence.value.signing.required');
  assert.equal(evidenceValueKey('stepReached', 'netbios-session'), 'evidence.value.step.netbios-session');
  assert.equal(evidenceValueKey('kind', 'nt-lm-0.12'), 'evidence.value.kind.nt-lm-0.12');
  assert.equal(evidenceValueKey('role', 'workgroup/domain'), 'evidence.value.role.workgroup-domain');
  assert.equal(evidenceValueKey('serverName', 'LABSMB1'), undefined, 'a name is data, never looked up');
  assert.deepEqual(sourceVia('ntlmssp (smb1-extended-security)'), { source: 'ntlmssp', via: 'smb1-extended-security' });
  assert.equal(sourceVia('smb1-native-os'), undefined);
  assert.equal(sourceVia('Windows 7 (build 7601)'), undefined);
  assert.ok(isReasonField('reason') && isReasonField('status') && !isReasonField('dialect'));
  assert.ok(isEngineTextField('sambaTells') && isEngineTextField('error') && !isEngineTextField('nativeOs'));
});
