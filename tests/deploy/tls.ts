// Self-signed certificates made at test time with Debian's openssl (never checked in): a P-256 key and a
// certificate for the given names (DNS names and IP addresses in subjectAltName), valid for two days.

import { execFileSync } from 'node:child_process';
import { isIP } from 'node:net';
import { join } from 'node:path';

export interface TestCert {
  readonly certFile: string;
  readonly keyFile: string;
}

/** `dir`/`stem`.crt and `dir`/`stem`.key for `names` (the first is the subject's CN). */
export function selfSigned(dir: string, names: readonly string[], stem = 'perisai'): TestCert {
  const certFile = join(dir, `${stem}.crt`);
  const keyFile = join(dir, `${stem}.key`);
  const san = names.map((n) => (isIP(n) !== 0 ? `IP:${n}` : `DNS:${n}`)).join(',');
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-sha256', '-days', '2',
    '-keyout', keyFile, '-out', certFile, '-subj', `/CN=${names[0] ?? 'perisai'}`, '-addext', `subjectAltName=${san}`,
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  return { certFile, keyFile };
}

/** A copy of `keyFile` encrypted with a passphrase (what `--tls-key` must refuse with a clear message). */
export function encryptedKey(keyFile: string, out: string): string {
  execFileSync('openssl', ['pkey', '-in', keyFile, '-aes256', '-passout', 'pass:rahasia-uji', '-out', out], { stdio: ['ignore', 'ignore', 'pipe'] });
  return out;
}
