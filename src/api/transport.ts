// How the web application is reached (docs/deploy.md): plain HTTP on the office LAN, HTTPS served
// directly from a certificate and key (`perisai serve --tls-cert/--tls-key`), or behind a reverse proxy
// that terminates TLS and whose address is trusted for X-Forwarded-Proto/For (`--trust-proxy`).
//
// Both inputs are checked before the server starts, so that a wrong path or a key of another certificate
// is one clear bilingual line at start-up instead of a TLS handshake failure in every browser later.

import { X509Certificate, createPrivateKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { createSecureContext } from 'node:tls';
import { validationError } from '../domain/errors.js';

export interface TlsFiles {
  /** PEM: the server certificate, optionally followed by its intermediate chain. */
  readonly cert: Buffer;
  /** PEM: the unencrypted private key of that certificate. */
  readonly key: Buffer;
  /** The DNS names and addresses the certificate is valid for (subjectAltName), for the start-up log. */
  readonly names: readonly string[];
  /** The certificate's end of validity (ISO 8601). */
  readonly validTo: string;
  /** Bilingual warnings that do not stop the server (expired or not yet valid certificate). */
  readonly warnings: readonly string[];
}

function readPem(option: string, what: { id: string; en: string }, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? { id: 'berkas tidak ditemukan', en: 'file not found' }
      : code === 'EACCES' || code === 'EPERM' ? { id: 'berkas tidak dapat dibaca (izin ditolak)', en: 'file cannot be read (permission denied)' }
      : code === 'EISDIR' ? { id: 'ini sebuah direktori, bukan berkas', en: 'this is a directory, not a file' }
      : { id: `berkas tidak dapat dibaca (${code ?? 'galat'})`, en: `file cannot be read (${code ?? (e as Error).message})` };
    throw validationError(`${option}: ${what.id}: ${why.id} / ${what.en}: ${why.en}: ${path}`, { field: option, path });
  }
}

/** The certificate's subjectAltName entries as plain names ("DNS:a, IP Address:1.2.3.4" → ["a", "1.2.3.4"]). */
function altNames(x509: X509Certificate): string[] {
  return (x509.subjectAltName ?? '').split(',').map((s) => s.trim().replace(/^(?:DNS|IP Address):/, '')).filter((s) => s !== '');
}

/**
 * Read and check the certificate and key for `perisai serve --tls-cert/--tls-key`: both readable PEM, the
 * key unencrypted and belonging to the certificate (X509Certificate.checkPrivateKey), and accepted by
 * Node's TLS (createSecureContext). Throws E_VALIDATION with a bilingual message naming the option and file.
 */
export function loadTls(certPath: string, keyPath: string, now: Date = new Date()): TlsFiles {
  const certWhat = { id: 'sertifikat TLS', en: 'TLS certificate' };
  const keyWhat = { id: 'kunci privat TLS', en: 'TLS private key' };
  const cert = readPem('--tls-cert', certWhat, certPath);
  const key = readPem('--tls-key', keyWhat, keyPath);
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(cert);
  } catch {
    throw validationError(`--tls-cert: bukan sertifikat PEM yang valid / not a valid PEM certificate: ${certPath}`, { field: '--tls-cert', path: certPath });
  }
  let keyObject: KeyObject;
  try {
    keyObject = createPrivateKey(key);
  } catch (e) {
    const encrypted = /passphrase|encrypted|bad decrypt/i.test((e as Error).message) || /ENCRYPTED/.test(key.toString('latin1'));
    throw validationError(encrypted
      ? `--tls-key: kunci terenkripsi dengan frasa sandi; simpan tanpa enkripsi (openssl pkey -in KUNCI -out KUNCI-BARU) dan batasi izin berkasnya / the key is encrypted with a passphrase; store it unencrypted (openssl pkey -in KEY -out NEW-KEY) and restrict the file's permissions: ${keyPath}`
      : `--tls-key: bukan kunci privat PEM yang valid / not a valid PEM private key: ${keyPath}`, { field: '--tls-key', path: keyPath });
  }
  if (!x509.checkPrivateKey(keyObject)) {
    throw validationError(`--tls-key: kunci ini bukan milik sertifikat ${certPath} / this key does not belong to the certificate ${certPath}: ${keyPath}`, { field: '--tls-key', path: keyPath });
  }
  try {
    createSecureContext({ cert, key });
  } catch (e) {
    throw validationError(`--tls-cert/--tls-key: ditolak oleh TLS Node.js / refused by Node.js TLS: ${(e as Error).message}`, { field: '--tls-cert' });
  }
  const warnings: string[] = [];
  const validTo = new Date(x509.validTo);
  const validFrom = new Date(x509.validFrom);
  if (validTo.getTime() <= now.getTime()) warnings.push(`sertifikat TLS sudah kedaluwarsa sejak / the TLS certificate expired on ${validTo.toISOString()}: browsers will refuse it`);
  else if (validFrom.getTime() > now.getTime()) warnings.push(`sertifikat TLS belum berlaku sampai / the TLS certificate is not valid until ${validFrom.toISOString()}`);
  return { cert, key, names: altNames(x509), validTo: validTo.toISOString(), warnings };
}

/** Names proxy-addr (fastify's trustProxy) knows besides addresses: only loopback is offered, see below. */
const PRESETS = new Set(['loopback']);

/**
 * `--trust-proxy LIST`: the addresses or CIDR blocks of the reverse proxies whose X-Forwarded-Proto and
 * X-Forwarded-For are believed (comma-separated; `loopback` = 127.0.0.0/8 and ::1). A list is required:
 * trusting everyone ("true", "*", a /0) would let any client claim https or forge its address, which
 * turns off the Secure cookie logic and the per-address login throttle (RFC 7239 §8.1: forwarded
 * headers are only as trustworthy as the hop that added them).
 */
export function parseTrustProxy(value: string): string[] {
  const items = value.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const bad = (item: string, why: { id: string; en: string }) =>
    validationError(`--trust-proxy: ${JSON.stringify(item)}: ${why.id} / ${why.en}`, { field: '--trust-proxy', value: item });
  if (items.length === 0) throw bad(value, { id: 'sebutkan alamat atau blok CIDR proksi, dipisah koma', en: 'list the proxy addresses or CIDR blocks, comma-separated' });
  for (const item of items) {
    if (PRESETS.has(item)) continue;
    if (/^(?:true|all|\*|any)$/i.test(item)) {
      throw bad(item, { id: 'mempercayai semua alamat tidak diizinkan: sebutkan alamat proksi', en: 'trusting every address is not allowed: name the proxy addresses' });
    }
    const [addr, len, ...rest] = item.split('/');
    const family = isIP(addr ?? '');
    if (family === 0 || rest.length > 0) throw bad(item, { id: 'bukan alamat IP atau blok CIDR', en: 'not an IP address or CIDR block' });
    if (len !== undefined) {
      const n = Number(len);
      const max = family === 4 ? 32 : 128;
      if (!/^\d{1,3}$/.test(len) || n > max) throw bad(item, { id: `panjang prefiks harus 1 sampai ${max}`, en: `prefix length must be 1 to ${max}` });
      if (n === 0) throw bad(item, { id: 'blok /0 berarti mempercayai semua alamat', en: 'a /0 block would trust every address' });
    }
  }
  return items;
}
