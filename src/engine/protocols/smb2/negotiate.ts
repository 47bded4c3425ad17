// SMB2 NEGOTIATE (command 0x0000): dialect, signing and capability discovery
// (docs/smb-detection.md §3.4, §3.5, §3.7 step 2, §3.8, §7.5).
//
// Request (MS-SMB2 2.2.3), StructureSize 36: DialectCount, SecurityMode, Capabilities,
// ClientGuid, then either NegotiateContextOffset/Count (when 0x0311 is offered) or
// ClientStartTime, the dialects, and — for 3.1.1 — 8-byte-aligned negotiate contexts
// (2.2.3.1): PREAUTH_INTEGRITY_CAPABILITIES (SHA-512 + 32-byte salt) and
// ENCRYPTION_CAPABILITIES (AES-128-GCM, AES-128-CCM) at least, optionally COMPRESSION.
// This is the 174-byte message Samba accepted [L:ns1_probe_negmulti#8]. The ClientGuid and
// salt are inputs (the probe draws them from crypto.randomBytes), keeping the codec pure.
//
// Response (2.2.4), StructureSize 65: SecurityMode (0x01 signing enabled, 0x02 required),
// DialectRevision (0x02FF = wildcard answer to a multi-protocol negotiate, §3.6), ServerGuid,
// Capabilities, Max sizes, SystemTime, ServerStartTime (boot time or 0), security buffer
// (SPNEGO NegTokenInit2), and for 3.1.1 the negotiate contexts at NegotiateContextOffset.
// A non-zero status carries an ERROR body (2.2.2) instead.
//
// Tolerated deviations: Samba's ServerGuid is its NetBIOS name and its ServerStartTime is 0
// [L]; contexts of unknown types are kept raw; extra bytes inside a context's DataLength are
// ignored. Every offset/count is checked against the message; context count is capped.

import { ByteReader } from '../bytes/reader.js';
import { ByteWriter } from '../bytes/writer.js';
import { DecodeError } from '../bytes/errors.js';
import { decodeUtf16le } from '../bytes/utf16le.js';
import type { SigningState } from '../smb1/negotiate.js';
import {
  decodeSmb2Command,
  encodeSmb2Message,
  readSmb2ErrorBody,
  SMB2_HEADER_LENGTH,
  Smb2Command,
  Smb2HeaderFlags,
  type Smb2ErrorBody,
  type Smb2Header,
  type Smb2HeaderInput,
} from './header.js';

export const Smb2Dialect = {
  SMB202: 0x0202,
  SMB210: 0x0210,
  SMB300: 0x0300,
  SMB302: 0x0302,
  SMB311: 0x0311,
  /** "SMB 2.???" answer: the client must send an SMB2 NEGOTIATE next (§3.6). */
  WILDCARD: 0x02ff,
} as const;

/** The five dialects our SMB2 probe offers (§3.7 step 2). */
export const ALL_SMB2_DIALECTS: readonly number[] = [0x0202, 0x0210, 0x0300, 0x0302, 0x0311];

/** `2.0.2`, `3.1.1`, `2.???` (wildcard), or `0x….` for unknown values. */
export function formatSmb2Dialect(d: number): string {
  switch (d) {
    case 0x0202: return '2.0.2';
    case 0x0210: return '2.1';
    case 0x0222: return '2.2.2';
    case 0x0224: return '2.2.4';
    case 0x0300: return '3.0';
    case 0x0302: return '3.0.2';
    case 0x0310: return '3.1';
    case 0x0311: return '3.1.1';
    case 0x02ff: return '2.???';
    default: return `0x${d.toString(16).padStart(4, '0')}`;
  }
}

export const Smb2SecurityMode = { SIGNING_ENABLED: 0x0001, SIGNING_REQUIRED: 0x0002 } as const;

/** docs/smb-detection.md §3.8: 0x02 → required; 0x01 only → enabled, not required; 0 → disabled. */
export function smb2SigningState(securityMode: number): SigningState {
  if (securityMode & Smb2SecurityMode.SIGNING_REQUIRED) return 'required';
  if (securityMode & Smb2SecurityMode.SIGNING_ENABLED) return 'enabled-not-required';
  return 'disabled';
}

export const Smb2Capabilities = {
  DFS: 0x00000001,
  LEASING: 0x00000002,
  LARGE_MTU: 0x00000004,
  MULTI_CHANNEL: 0x00000008,
  PERSISTENT_HANDLES: 0x00000010,
  DIRECTORY_LEASING: 0x00000020,
  ENCRYPTION: 0x00000040,
  NOTIFICATIONS: 0x00000080,
} as const;

export const NegotiateContextType = {
  PREAUTH_INTEGRITY_CAPABILITIES: 0x0001,
  ENCRYPTION_CAPABILITIES: 0x0002,
  COMPRESSION_CAPABILITIES: 0x0003,
  NETNAME_NEGOTIATE_CONTEXT_ID: 0x0005,
  TRANSPORT_CAPABILITIES: 0x0006,
  RDMA_TRANSFORM_CAPABILITIES: 0x0007,
  SIGNING_CAPABILITIES: 0x0008,
} as const;

export const HashAlgorithm = { SHA512: 0x0001 } as const;
export const Cipher = { AES128_CCM: 0x0001, AES128_GCM: 0x0002, AES256_CCM: 0x0003, AES256_GCM: 0x0004 } as const;
export const CompressionAlgorithm = { NONE: 0x0000, LZNT1: 0x0001, LZ77: 0x0002, LZ77_HUFFMAN: 0x0003, PATTERN_V1: 0x0004, LZ4: 0x0005 } as const;

export type Smb2NegotiateContext =
  | { readonly kind: 'preauth-integrity'; readonly hashAlgorithms: readonly number[]; readonly salt: Uint8Array }
  | { readonly kind: 'encryption'; readonly ciphers: readonly number[] }
  | { readonly kind: 'compression'; readonly flags: number; readonly algorithms: readonly number[] }
  | { readonly kind: 'signing'; readonly algorithms: readonly number[] }
  | { readonly kind: 'netname'; readonly netName: string }
  | { readonly kind: 'other'; readonly type: number; readonly data: Uint8Array };

/** Cap on contexts per message (a real 3.1.1 negotiate has ≤ 8). */
export const MAX_NEGOTIATE_CONTEXTS = 32;
/** Cap on dialects in a request (5 real ones exist). */
const MAX_DIALECTS = 64;

function contextType(c: Smb2NegotiateContext): number {
  switch (c.kind) {
    case 'preauth-integrity': return NegotiateContextType.PREAUTH_INTEGRITY_CAPABILITIES;
    case 'encryption': return NegotiateContextType.ENCRYPTION_CAPABILITIES;
    case 'compression': return NegotiateContextType.COMPRESSION_CAPABILITIES;
    case 'signing': return NegotiateContextType.SIGNING_CAPABILITIES;
    case 'netname': return NegotiateContextType.NETNAME_NEGOTIATE_CONTEXT_ID;
    case 'other': return c.type;
  }
}

function contextData(c: Smb2NegotiateContext): Uint8Array {
  const w = new ByteWriter();
  switch (c.kind) {
    case 'preauth-integrity':
      w.u16le(c.hashAlgorithms.length).u16le(c.salt.length);
      for (const h of c.hashAlgorithms) w.u16le(h);
      w.bytes(c.salt);
      break;
    case 'encryption':
      w.u16le(c.ciphers.length);
      for (const x of c.ciphers) w.u16le(x);
      break;
    case 'compression':
      w.u16le(c.algorithms.length).u16le(0).u32le(c.flags >>> 0);
      for (const x of c.algorithms) w.u16le(x);
      break;
    case 'signing':
      w.u16le(c.algorithms.length);
      for (const x of c.algorithms) w.u16le(x);
      break;
    case 'netname':
      w.utf16le(c.netName);
      break;
    case 'other':
      w.bytes(c.data);
      break;
  }
  return w.finish();
}

/** Writes contexts 8-byte aligned relative to S+0 (pad between contexts, not after the last). */
function writeContexts(w: ByteWriter, contexts: readonly Smb2NegotiateContext[]): void {
  contexts.forEach((c, i) => {
    if (i > 0) w.align(8);
    const data = contextData(c);
    w.u16le(contextType(c)).u16le(data.length).u32le(0).bytes(data);
  });
}

function readContext(r: ByteReader): Smb2NegotiateContext {
  const type = r.u16le('SMB2.NegotiateContext.ContextType');
  const len = r.u16le('SMB2.NegotiateContext.DataLength');
  r.skip(4, 'SMB2.NegotiateContext.Reserved');
  const d = r.sub(len, 'SMB2.NegotiateContext.Data');
  const list = (count: number, field: string): number[] => {
    if (count * 2 > d.remaining) throw new DecodeError('truncated', field, d.offset, `${count} entries do not fit in ${d.remaining} bytes`);
    const out: number[] = [];
    for (let i = 0; i < count; i++) out.push(d.u16le(field));
    return out;
  };
  switch (type) {
    case NegotiateContextType.PREAUTH_INTEGRITY_CAPABILITIES: {
      const count = d.u16le('SMB2.Preauth.HashAlgorithmCount');
      const saltLength = d.u16le('SMB2.Preauth.SaltLength');
      const hashAlgorithms = list(count, 'SMB2.Preauth.HashAlgorithms');
      return { kind: 'preauth-integrity', hashAlgorithms, salt: d.bytes(saltLength, 'SMB2.Preauth.Salt') };
    }
    case NegotiateContextType.ENCRYPTION_CAPABILITIES:
      return { kind: 'encryption', ciphers: list(d.u16le('SMB2.Encryption.CipherCount'), 'SMB2.Encryption.Ciphers') };
    case NegotiateContextType.COMPRESSION_CAPABILITIES: {
      const count = d.u16le('SMB2.Compression.CompressionAlgorithmCount');
      d.skip(2, 'SMB2.Compression.Padding');
      const flags = d.u32le('SMB2.Compression.Flags');
      return { kind: 'compression', flags, algorithms: list(count, 'SMB2.Compression.CompressionAlgorithms') };
    }
    case NegotiateContextType.SIGNING_CAPABILITIES:
      return { kind: 'signing', algorithms: list(d.u16le('SMB2.Signing.SigningAlgorithmCount'), 'SMB2.Signing.SigningAlgorithms') };
    case NegotiateContextType.NETNAME_NEGOTIATE_CONTEXT_ID:
      return { kind: 'netname', netName: decodeUtf16le(d.rest()) };
    default:
      return { kind: 'other', type, data: d.rest() };
  }
}

/** Reads `count` contexts starting at S-relative `offset`, each 8-byte aligned. */
function readContexts(payload: Uint8Array, offset: number, count: number): Smb2NegotiateContext[] {
  if (count > MAX_NEGOTIATE_CONTEXTS) throw new DecodeError('too-large', 'SMB2.NegotiateContextCount', offset, `${count} contexts`);
  if (count === 0) return [];
  if (offset < SMB2_HEADER_LENGTH) throw new DecodeError('invalid', 'SMB2.NegotiateContextOffset', offset, 'points into the header');
  const r = new ByteReader(payload);
  r.seek(offset, 'SMB2.NegotiateContextOffset');
  const out: Smb2NegotiateContext[] = [];
  for (let i = 0; i < count; i++) {
    if (i > 0) r.align(8, 'SMB2.NegotiateContext.Pad');
    out.push(readContext(r));
  }
  return out;
}

/** PREAUTH (SHA-512, given 32-byte salt) + ENCRYPTION (AES-128-GCM, AES-128-CCM): the §3.4 minimum. */
export function defaultNegotiateContexts(salt: Uint8Array): Smb2NegotiateContext[] {
  return [
    { kind: 'preauth-integrity', hashAlgorithms: [HashAlgorithm.SHA512], salt },
    { kind: 'encryption', ciphers: [Cipher.AES128_GCM, Cipher.AES128_CCM] },
  ];
}

// ---------------------------------------------------------------- request

export interface Smb2NegotiateRequestInput extends Omit<Smb2HeaderInput, 'command'> {
  readonly dialects: readonly number[];
  /** Default 0x0001 (signing enabled; never "required", §3.4). */
  readonly securityMode?: number;
  /** Default 0. */
  readonly capabilities?: number;
  /** 16 random bytes. */
  readonly clientGuid: Uint8Array;
  /** Required (with a PREAUTH context) when 0x0311 is offered; ignored otherwise. */
  readonly contexts?: readonly Smb2NegotiateContext[];
  /** Pre-3.1.1 form only; MUST be 0 (MS-SMB2 2.2.3). */
  readonly clientStartTime?: bigint;
}

export function encodeSmb2NegotiateRequest(input: Smb2NegotiateRequestInput): Uint8Array {
  const { dialects, securityMode, capabilities, clientGuid, contexts, clientStartTime, ...header } = input;
  if (dialects.length === 0) throw new RangeError('at least one dialect is required');
  if (clientGuid.length !== 16) throw new RangeError('ClientGuid must be 16 bytes');
  const with311 = dialects.includes(Smb2Dialect.SMB311);
  const ctx = with311 ? (contexts ?? []) : [];
  if (with311 && !ctx.some((c) => c.kind === 'preauth-integrity')) {
    throw new RangeError('offering 3.1.1 requires a PREAUTH_INTEGRITY_CAPABILITIES context (MS-SMB2 2.2.3.1)');
  }
  const body = new ByteWriter({ origin: SMB2_HEADER_LENGTH });
  body.u16le(36).u16le(dialects.length).u16le(securityMode ?? Smb2SecurityMode.SIGNING_ENABLED).u16le(0).u32le((capabilities ?? 0) >>> 0).bytes(clientGuid);
  const ctxFieldAt = body.length;
  if (with311) body.u32le(0).u16le(ctx.length).u16le(0);
  else body.u64le(clientStartTime ?? 0n);
  for (const d of dialects) body.u16le(d);
  if (with311) {
    body.align(8);
    body.patchU32le(ctxFieldAt, body.position);
    writeContexts(body, ctx);
  }
  return encodeSmb2Message({ ...header, command: Smb2Command.NEGOTIATE }, body.finish());
}

export interface Smb2NegotiateRequest {
  readonly header: Smb2Header;
  readonly dialects: readonly number[];
  readonly securityMode: number;
  readonly capabilities: number;
  readonly clientGuid: Uint8Array;
  readonly contexts: readonly Smb2NegotiateContext[];
}

export function decodeSmb2NegotiateRequest(payload: Uint8Array): Smb2NegotiateRequest {
  const { header, r } = decodeSmb2Command(payload, Smb2Command.NEGOTIATE, 'NEGOTIATE');
  const at = r.offset;
  const structureSize = r.u16le('SMB2.Negotiate.StructureSize');
  if (structureSize !== 36) throw new DecodeError('invalid', 'SMB2.Negotiate.StructureSize', at, `expected 36, got ${structureSize}`);
  const dialectCount = r.u16le('SMB2.Negotiate.DialectCount');
  if (dialectCount === 0 || dialectCount > MAX_DIALECTS) throw new DecodeError(dialectCount === 0 ? 'invalid' : 'too-large', 'SMB2.Negotiate.DialectCount', at + 2, `${dialectCount} dialects`);
  const securityMode = r.u16le('SMB2.Negotiate.SecurityMode');
  r.skip(2, 'SMB2.Negotiate.Reserved');
  const capabilities = r.u32le('SMB2.Negotiate.Capabilities');
  const clientGuid = r.bytes(16, 'SMB2.Negotiate.ClientGuid');
  const ctxOffset = r.u32le('SMB2.Negotiate.NegotiateContextOffset');
  const ctxCount = r.u16le('SMB2.Negotiate.NegotiateContextCount');
  r.skip(2, 'SMB2.Negotiate.Reserved2');
  const dialects: number[] = [];
  for (let i = 0; i < dialectCount; i++) dialects.push(r.u16le('SMB2.Negotiate.Dialects'));
  const contexts = dialects.includes(Smb2Dialect.SMB311) ? readContexts(payload, ctxOffset, ctxCount) : [];
  return { header, dialects, securityMode, capabilities, clientGuid, contexts };
}

// ---------------------------------------------------------------- response

export interface Smb2NegotiateSuccess {
  readonly kind: 'success';
  readonly header: Smb2Header;
  readonly securityMode: number;
  readonly dialectRevision: number;
  readonly serverGuid: Uint8Array;
  readonly capabilities: number;
  readonly maxTransactSize: number;
  readonly maxReadSize: number;
  readonly maxWriteSize: number;
  /** FILETIME. */
  readonly systemTime: bigint;
  /** FILETIME boot time, or 0 (Samba, newer Windows) — §7.5. */
  readonly serverStartTime: bigint;
  readonly securityBufferOffset: number;
  readonly securityBuffer: Uint8Array;
  /** Raw field values (meaningful for 3.1.1 only). */
  readonly negotiateContextCount: number;
  readonly negotiateContextOffset: number;
  /** Decoded only when DialectRevision is 0x0311. */
  readonly contexts: readonly Smb2NegotiateContext[];
}

export type Smb2NegotiateResponse =
  | Smb2NegotiateSuccess
  | ({ readonly kind: 'error'; readonly header: Smb2Header } & Smb2ErrorBody);

/** Slices a security buffer given as (offset from S+0, length), checked against the message. */
export function readSecurityBuffer(payload: Uint8Array, offset: number, length: number, field: string): Uint8Array {
  if (length === 0) return new Uint8Array(0);
  if (offset < SMB2_HEADER_LENGTH) throw new DecodeError('invalid', field, offset, 'security buffer offset points into the header');
  return new ByteReader(payload).window(offset, length, field).rest();
}

export function decodeSmb2NegotiateResponse(payload: Uint8Array): Smb2NegotiateResponse {
  const { header, r } = decodeSmb2Command(payload, Smb2Command.NEGOTIATE, 'NEGOTIATE');
  if (header.status !== 0) return { kind: 'error', header, ...readSmb2ErrorBody(r) };
  const at = r.offset;
  const structureSize = r.u16le('SMB2.Negotiate.StructureSize');
  if (structureSize !== 65) throw new DecodeError('invalid', 'SMB2.Negotiate.StructureSize', at, `expected 65, got ${structureSize}`);
  const securityMode = r.u16le('SMB2.Negotiate.SecurityMode');
  const dialectRevision = r.u16le('SMB2.Negotiate.DialectRevision');
  const negotiateContextCount = r.u16le('SMB2.Negotiate.NegotiateContextCount');
  const serverGuid = r.bytes(16, 'SMB2.Negotiate.ServerGuid');
  const capabilities = r.u32le('SMB2.Negotiate.Capabilities');
  const maxTransactSize = r.u32le('SMB2.Negotiate.MaxTransactSize');
  const maxReadSize = r.u32le('SMB2.Negotiate.MaxReadSize');
  const maxWriteSize = r.u32le('SMB2.Negotiate.MaxWriteSize');
  const systemTime = r.u64le('SMB2.Negotiate.SystemTime');
  const serverStartTime = r.u64le('SMB2.Negotiate.ServerStartTime');
  const securityBufferOffset = r.u16le('SMB2.Negotiate.SecurityBufferOffset');
  const securityBufferLength = r.u16le('SMB2.Negotiate.SecurityBufferLength');
  const negotiateContextOffset = r.u32le('SMB2.Negotiate.NegotiateContextOffset');
  const securityBuffer = readSecurityBuffer(payload, securityBufferOffset, securityBufferLength, 'SMB2.Negotiate.SecurityBuffer');
  const contexts = dialectRevision === Smb2Dialect.SMB311 ? readContexts(payload, negotiateContextOffset, negotiateContextCount) : [];
  return {
    kind: 'success', header, securityMode, dialectRevision, serverGuid, capabilities, maxTransactSize, maxReadSize,
    maxWriteSize, systemTime, serverStartTime, securityBufferOffset, securityBuffer, negotiateContextCount,
    negotiateContextOffset, contexts,
  };
}

export interface Smb2NegotiateResponseInput extends Omit<Smb2HeaderInput, 'command'> {
  readonly securityMode: number;
  readonly dialectRevision: number;
  readonly serverGuid: Uint8Array;
  readonly capabilities: number;
  readonly maxTransactSize: number;
  readonly maxReadSize: number;
  readonly maxWriteSize: number;
  readonly systemTime: bigint;
  readonly serverStartTime: bigint;
  readonly securityBuffer: Uint8Array;
  /** Written only when dialectRevision is 0x0311. */
  readonly contexts?: readonly Smb2NegotiateContext[];
}

/** Server-side encoder (test fakes, round trips). Buffer at 128, contexts 8-aligned after it. */
export function encodeSmb2NegotiateResponse(input: Smb2NegotiateResponseInput): Uint8Array {
  const {
    securityMode, dialectRevision, serverGuid, capabilities, maxTransactSize, maxReadSize, maxWriteSize,
    systemTime, serverStartTime, securityBuffer, contexts, ...header
  } = input;
  if (serverGuid.length !== 16) throw new RangeError('ServerGuid must be 16 bytes');
  const ctx = dialectRevision === Smb2Dialect.SMB311 ? (contexts ?? []) : [];
  const body = new ByteWriter({ origin: SMB2_HEADER_LENGTH });
  body.u16le(65).u16le(securityMode).u16le(dialectRevision).u16le(ctx.length).bytes(serverGuid)
    .u32le(capabilities >>> 0).u32le(maxTransactSize).u32le(maxReadSize).u32le(maxWriteSize)
    .u64le(systemTime).u64le(serverStartTime)
    .u16le(securityBuffer.length > 0 ? SMB2_HEADER_LENGTH + 64 : 0).u16le(securityBuffer.length);
  const ctxFieldAt = body.length;
  body.u32le(0).bytes(securityBuffer);
  if (ctx.length > 0) {
    body.align(8);
    body.patchU32le(ctxFieldAt, body.position);
    writeContexts(body, ctx);
  }
  return encodeSmb2Message(
    { ...header, flags: header.flags ?? Smb2HeaderFlags.SERVER_TO_REDIR, command: Smb2Command.NEGOTIATE },
    body.finish(),
  );
}
