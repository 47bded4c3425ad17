// SMB1 TREE_CONNECT_ANDX (0x75): connects the session to the IPC$ share, the tree the
// MS17-010 transaction and the DoublePulsar ping are sent on (docs/smb-detection.md §5.2 step 3).
//
// Request (MS-CIFS 2.2.4.55.1), WordCount 4: AndX, Flags, PasswordLength; data: Password,
// [pad to even if Unicode], Path (`\\<target-ip>\IPC$`, Unicode per Flags2), Service
// (`?????` = any type, always OEM/ASCII).
// Response (MS-CIFS 2.2.4.55.2; MS-SMB 2.2.4.7.2 extended form): WordCount 3 (AndX,
// OptionalSupport) or 7 (+ MaximalShareAccessRights, GuestMaximalShareAccessRights);
// data: Service (OEM), NativeFileSystem (Unicode per Flags2, aligned). WordCount 0 = refusal
// (e.g. 0xC0000022 with `restrict anonymous = 2` [L:ns3restricted_probe_ms17#11]).
// The TID is in the response header, not in the body [L:ns1_probe_ms17#11].
//
// Tolerated deviations: a missing NativeFileSystem; the server part of the path is not
// checked by Windows (WannaCry connects with a hard-coded IP [P:wcry#225]).

import { ByteWriter } from '../bytes/writer.js';
import { DecodeError } from '../bytes/errors.js';
import {
  dataReader,
  decodeSmb1Command,
  encodeSmb1Message,
  readAndX,
  Smb1Command,
  Smb1Flags2,
  wordsReader,
  writeAndX,
  type AndX,
  type Smb1Header,
  type Smb1HeaderInput,
} from './header.js';

/** Request Flags (MS-SMB 2.2.4.7.1). */
export const TreeConnectFlags = {
  DISCONNECT_TID: 0x0001,
  EXTENDED_SIGNATURES: 0x0004,
  EXTENDED_RESPONSE: 0x0008,
} as const;

/** "Any device type" service string (MS-CIFS 2.2.4.55.1). */
export const SERVICE_ANY = '?????';
const MAX_SERVICE_BYTES = 16;

/** `\\<host>\IPC$` — the path the checks use (§5.2 step 3: use the target IP). */
export function ipcPath(host: string): string {
  return `\\\\${host}\\IPC$`;
}

export interface Smb1TreeConnectRequestInput extends Omit<Smb1HeaderInput, 'command'> {
  readonly path: string;
  /** Default EXTENDED_RESPONSE (0x0008), as in our probe. */
  readonly treeFlags?: number;
  /** Default one NUL byte (PasswordLength 1); nmap sends none; both accepted (§5.2). */
  readonly password?: Uint8Array;
  readonly service?: string;
}

export function encodeSmb1TreeConnectRequest(input: Smb1TreeConnectRequestInput): Uint8Array {
  const { path, treeFlags, password, service, ...header } = input;
  const unicode = ((header.flags2 ?? 0) & Smb1Flags2.UNICODE) !== 0;
  const pw = password ?? new Uint8Array(1);
  const w = new ByteWriter();
  writeAndX(w);
  w.u16le(treeFlags ?? TreeConnectFlags.EXTENDED_RESPONSE).u16le(pw.length);
  return encodeSmb1Message({ ...header, command: Smb1Command.TREE_CONNECT_ANDX }, w.finish(), (d) => {
    d.bytes(pw);
    if (unicode) d.align(2).utf16le(path, true);
    else d.latin1(path, true);
    d.latin1(service ?? SERVICE_ANY, true);
  });
}

export interface Smb1TreeConnectRequest {
  readonly header: Smb1Header;
  readonly andx: AndX;
  readonly treeFlags: number;
  readonly password: Uint8Array;
  readonly path: string;
  readonly service: string;
}

export function decodeSmb1TreeConnectRequest(payload: Uint8Array): Smb1TreeConnectRequest {
  const msg = decodeSmb1Command(payload, Smb1Command.TREE_CONNECT_ANDX, 'TREE_CONNECT_ANDX');
  if (msg.wordCount !== 4) throw new DecodeError('invalid', 'SMB1.TreeConnect.WordCount', 32, `request WordCount must be 4, got ${msg.wordCount}`);
  const unicode = (msg.header.flags2 & Smb1Flags2.UNICODE) !== 0;
  const w = wordsReader(msg);
  const andx = readAndX(w);
  const treeFlags = w.u16le('SMB1.TreeConnect.Flags');
  const pwLen = w.u16le('SMB1.TreeConnect.PasswordLength');
  const d = dataReader(msg);
  const password = d.bytes(pwLen, 'SMB1.TreeConnect.Password');
  let path: string;
  if (unicode) {
    d.align(2, 'SMB1.TreeConnect.Pad');
    path = d.utf16lez('SMB1.TreeConnect.Path');
  } else {
    path = d.latin1z('SMB1.TreeConnect.Path');
  }
  const service = d.latin1z('SMB1.TreeConnect.Service', MAX_SERVICE_BYTES);
  return { header: msg.header, andx, treeFlags, password, path, service };
}

export type Smb1TreeConnectResponse =
  | {
      readonly kind: 'success';
      readonly header: Smb1Header;
      /** From the header: the tree id to use from now on (0 means failure for nmap). */
      readonly tid: number;
      readonly andx: AndX;
      readonly optionalSupport: number;
      /** Present with WordCount 7 only. */
      readonly maximalShareAccessRights: number | undefined;
      readonly guestMaximalShareAccessRights: number | undefined;
      /** `IPC` for the IPC$ share. */
      readonly service: string;
      readonly nativeFileSystem: string | undefined;
    }
  | { readonly kind: 'error'; readonly header: Smb1Header };

export function decodeSmb1TreeConnectResponse(payload: Uint8Array): Smb1TreeConnectResponse {
  const msg = decodeSmb1Command(payload, Smb1Command.TREE_CONNECT_ANDX, 'TREE_CONNECT_ANDX');
  if (msg.wordCount === 0) return { kind: 'error', header: msg.header };
  if (msg.wordCount !== 3 && msg.wordCount !== 7) {
    throw new DecodeError('invalid', 'SMB1.TreeConnect.WordCount', 32, `response WordCount must be 0, 3 or 7, got ${msg.wordCount}`);
  }
  const unicode = (msg.header.flags2 & Smb1Flags2.UNICODE) !== 0;
  const w = wordsReader(msg);
  const andx = readAndX(w);
  const optionalSupport = w.u16le('SMB1.TreeConnect.OptionalSupport');
  let maximalShareAccessRights: number | undefined;
  let guestMaximalShareAccessRights: number | undefined;
  if (msg.wordCount === 7) {
    maximalShareAccessRights = w.u32le('SMB1.TreeConnect.MaximalShareAccessRights');
    guestMaximalShareAccessRights = w.u32le('SMB1.TreeConnect.GuestMaximalShareAccessRights');
  }
  const d = dataReader(msg);
  const service = d.latin1z('SMB1.TreeConnect.Service', MAX_SERVICE_BYTES);
  let nativeFileSystem: string | undefined;
  if (unicode && d.remaining > 0) d.align(2, 'SMB1.TreeConnect.Pad');
  if (d.remaining > 0) {
    nativeFileSystem = unicode ? d.utf16lez('SMB1.TreeConnect.NativeFileSystem') : d.latin1z('SMB1.TreeConnect.NativeFileSystem');
  }
  return {
    kind: 'success',
    header: msg.header,
    tid: msg.header.tid,
    andx,
    optionalSupport,
    maximalShareAccessRights,
    guestMaximalShareAccessRights,
    service,
    nativeFileSystem,
  };
}

export interface Smb1TreeConnectResponseInput extends Omit<Smb1HeaderInput, 'command'> {
  readonly kind: 'success' | 'error';
  readonly optionalSupport?: number;
  /** When both are given the response has WordCount 7. */
  readonly maximalShareAccessRights?: number;
  readonly guestMaximalShareAccessRights?: number;
  readonly service?: string;
  readonly nativeFileSystem?: string;
}

/** Server-side encoder (test fakes, round trips). */
export function encodeSmb1TreeConnectResponse(input: Smb1TreeConnectResponseInput): Uint8Array {
  const { kind, optionalSupport, maximalShareAccessRights, guestMaximalShareAccessRights, service, nativeFileSystem, ...rest } = input;
  const header: Smb1HeaderInput = { ...rest, flags: rest.flags ?? 0x88, command: Smb1Command.TREE_CONNECT_ANDX };
  if (kind === 'error') return encodeSmb1Message(header, new Uint8Array(0));
  const unicode = ((rest.flags2 ?? 0) & Smb1Flags2.UNICODE) !== 0;
  const w = new ByteWriter();
  writeAndX(w);
  w.u16le(optionalSupport ?? 1);
  if (maximalShareAccessRights !== undefined && guestMaximalShareAccessRights !== undefined) {
    w.u32le(maximalShareAccessRights >>> 0).u32le(guestMaximalShareAccessRights >>> 0);
  }
  return encodeSmb1Message(header, w.finish(), (d) => {
    d.latin1(service ?? 'IPC', true);
    if (nativeFileSystem !== undefined) {
      if (unicode) d.align(2).utf16le(nativeFileSystem, true);
      else d.latin1(nativeFileSystem, true);
    }
  });
}
