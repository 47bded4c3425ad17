// The HTTPS and reverse-proxy options of `perisai serve` (src/api/transport.ts): certificate and key
// checked before the server starts, with a bilingual message naming the option and the file for each way
// they can be wrong; the trusted proxy list refuses "everyone" in all its spellings.

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { isPerisaiError } from '../../src/domain/errors.js';
import { loadTls, parseTrustProxy } from '../../src/api/transport.js';
import { encryptedKey, selfSigned } from './tls.js';

const tmp = mkdtempSync(join(tmpdir(), 'perisai-tls-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** Assert `fn` throws E_VALIDATION for `field` whose message matches every pattern. */
function refuses(fn: () => unknown, field: string, ...patterns: RegExp[]): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(isPerisaiError(e, 'E_VALIDATION'), String(e));
    assert.equal(e.details['field'], field);
    for (const p of patterns) assert.match(e.message, p);
    return true;
  });
}

describe('loadTls (--tls-cert/--tls-key)', () => {
  const good = selfSigned(tmp, ['perisai.lan', '127.0.0.1']);
  const other = selfSigned(tmp, ['lain.lan'], 'other');

  test('a matching certificate and key: the names it covers and its end of validity, no warning', () => {
    const t = loadTls(good.certFile, good.keyFile);
    assert.deepEqual(t.names, ['perisai.lan', '127.0.0.1']);
    assert.ok(Date.parse(t.validTo) > Date.now());
    assert.deepEqual(t.warnings, []);
    assert.deepEqual(t.cert, readFileSync(good.certFile));
  });

  test('missing files, a directory: the option, the file and the cause in Indonesian and English', () => {
    refuses(() => loadTls(join(tmp, 'tidak-ada.crt'), good.keyFile), '--tls-cert', /^--tls-cert: sertifikat TLS: berkas tidak ditemukan \/ TLS certificate: file not found: /, /tidak-ada\.crt$/);
    refuses(() => loadTls(good.certFile, join(tmp, 'tidak-ada.key')), '--tls-key', /^--tls-key: kunci privat TLS: berkas tidak ditemukan \/ TLS private key: file not found: /);
    mkdirSync(join(tmp, 'folder'));
    refuses(() => loadTls(join(tmp, 'folder'), good.keyFile), '--tls-cert', /ini sebuah direktori, bukan berkas \/ TLS certificate: this is a directory, not a file/);
  });

  test('not PEM, the files swapped, a key of another certificate, an encrypted key', () => {
    writeFileSync(join(tmp, 'sampah.crt'), 'bukan sertifikat\n');
    refuses(() => loadTls(join(tmp, 'sampah.crt'), good.keyFile), '--tls-cert', /bukan sertifikat PEM yang valid \/ not a valid PEM certificate/);
    refuses(() => loadTls(good.certFile, good.certFile), '--tls-key', /bukan kunci privat PEM yang valid \/ not a valid PEM private key/);
    refuses(() => loadTls(good.certFile, other.keyFile), '--tls-key', /kunci ini bukan milik sertifikat .*perisai\.crt \/ this key does not belong to the certificate/, /other\.key$/);
    const locked = encryptedKey(good.keyFile, join(tmp, 'terkunci.key'));
    refuses(() => loadTls(good.certFile, locked), '--tls-key', /kunci terenkripsi dengan frasa sandi/, /the key is encrypted with a passphrase/);
  });

  test('an expired certificate starts with a bilingual warning (the browser will say the rest)', () => {
    const later = new Date(Date.now() + 30 * 86400_000);
    const t = loadTls(good.certFile, good.keyFile, later);
    assert.equal(t.warnings.length, 1);
    assert.match(t.warnings[0]!, /^sertifikat TLS sudah kedaluwarsa sejak \/ the TLS certificate expired on \d{4}-/);
  });
});

describe('parseTrustProxy (--trust-proxy)', () => {
  test('addresses, CIDR blocks and "loopback", comma-separated, spaces ignored', () => {
    assert.deepEqual(parseTrustProxy(' 127.0.0.1, 10.20.0.0/16,::1 ,fd00:10::/64,loopback'), ['127.0.0.1', '10.20.0.0/16', '::1', 'fd00:10::/64', 'loopback']);
  });

  test('everyone is refused in every spelling; names, bad prefixes and empty lists too', () => {
    for (const v of ['true', 'TRUE', '*', 'all', '0.0.0.0/0', '::/0', '127.0.0.1,0.0.0.0/0']) {
      refuses(() => parseTrustProxy(v), '--trust-proxy', /--trust-proxy: /, /(semua alamat|\/0)/);
    }
    refuses(() => parseTrustProxy('proxy.kota.go.id'), '--trust-proxy', /bukan alamat IP atau blok CIDR \/ not an IP address or CIDR block/);
    refuses(() => parseTrustProxy('10.0.0.0/33'), '--trust-proxy', /panjang prefiks harus 1 sampai 32 \/ prefix length must be 1 to 32/);
    refuses(() => parseTrustProxy('fd00::/129'), '--trust-proxy', /1 sampai 128/);
    refuses(() => parseTrustProxy('10.0.0.0/8/9'), '--trust-proxy', /bukan alamat IP/);
    refuses(() => parseTrustProxy(' , '), '--trust-proxy', /sebutkan alamat atau blok CIDR proksi/);
  });
});
