// NTSTATUS values (MS-ERREF 2.3.1) and SMB1 DOS error classes (MS-CIFS 2.2.2.4) that the
// SMB exposure checks read. The table in docs/smb-detection.md §2.4 says where each shows up;
// the verdict rules themselves live in src/engine/checks, not here.
//
// SMB2 uses the same NTSTATUS space (MS-SMB2 2.2.1 Status), so smb2/ imports this table too.

import { hex32 } from '../bytes/hex.js';

export const NtStatus = {
  SUCCESS: 0x00000000,
  BUFFER_OVERFLOW: 0x80000005,
  NOT_IMPLEMENTED: 0xc0000002,
  INVALID_HANDLE: 0xc0000008,
  INVALID_PARAMETER: 0xc000000d,
  INVALID_DEVICE_REQUEST: 0xc0000010,
  MORE_PROCESSING_REQUIRED: 0xc0000016,
  ACCESS_DENIED: 0xc0000022,
  OBJECT_NAME_NOT_FOUND: 0xc0000034,
  LOGON_FAILURE: 0xc000006d,
  ACCOUNT_RESTRICTION: 0xc000006e,
  PASSWORD_EXPIRED: 0xc0000071,
  ACCOUNT_DISABLED: 0xc0000072,
  NOT_SUPPORTED: 0xc00000bb,
  NETWORK_ACCESS_DENIED: 0xc00000ca,
  BAD_NETWORK_NAME: 0xc00000cc,
  REQUEST_NOT_ACCEPTED: 0xc00000d0,
  LOGON_TYPE_NOT_GRANTED: 0xc000015b,
  USER_SESSION_DELETED: 0xc0000203,
  INSUFF_SERVER_RESOURCES: 0xc0000205,
  ACCOUNT_LOCKED_OUT: 0xc0000234,
  NETWORK_SESSION_EXPIRED: 0xc000035c,
  /** SMB1-specific codes that pack a DOS class/code into NT form (MS-CIFS 2.2.2.4). */
  INVALID_SMB: 0x00010002,
  SMB_BAD_TID: 0x00050002,
  SMB_BAD_UID: 0x005b0002,
} as const;

const NAMES: ReadonlyMap<number, string> = new Map(
  Object.entries(NtStatus).map(([k, v]) => [v, `STATUS_${k}`] as const),
);

/** `STATUS_ACCESS_DENIED`, or undefined for codes outside the table. */
export function ntStatusName(code: number): string | undefined {
  return NAMES.get(code >>> 0);
}

/** `0xC0000022`: the form evidence and reason codes use (`auth-refused:0xC0000022`). */
export function formatNtStatus(code: number): string {
  return hex32(code >>> 0);
}

/** `0xC0000022 STATUS_ACCESS_DENIED` for logs and evidence. */
export function describeNtStatus(code: number): string {
  const name = ntStatusName(code);
  return name === undefined ? formatNtStatus(code) : `${formatNtStatus(code)} ${name}`;
}

/** SMB1 DOS error classes (MS-CIFS 2.2.2.4). */
export const DosErrorClass = {
  SUCCESS: 0x00,
  ERRDOS: 0x01,
  ERRSRV: 0x02,
  ERRHRD: 0x03,
  ERRCMD: 0xff,
} as const;

/** The two DOS codes seen in the vectors: ERRSRV/0x0001 non-specific, ERRSRV/0x0005 invalid TID. */
export const DosErrorCode = {
  ERRSRV_ERROR: 0x0001,
  ERRSRV_INVNID: 0x0005,
} as const;
