// FILETIME helpers: a 64-bit count of 100-nanosecond intervals since 1601-01-01T00:00:00Z
// (MS-DTYP 2.3.3). Used by the SMB1 NEGOTIATE response SystemTime (MS-CIFS 2.2.4.52.2), the
// SMB2 NEGOTIATE response SystemTime/ServerStartTime (MS-SMB2 2.2.4) and the NTLMSSP
// MsvAvTimestamp AV pair (MS-NLMP 2.2.2.1). Unix seconds = v / 10^7 − 11644473600
// (docs/smb-detection.md §3.2).
//
// Values stay bigint on the wire types; a Date is derived on demand. Zero means "not set"
// (Samba's SMB2 ServerStartTime, docs/smb-detection.md §7.5) and maps to undefined.

/** FILETIME of 1970-01-01T00:00:00Z. */
export const FILETIME_UNIX_EPOCH = 116444736000000000n;
const TICKS_PER_MS = 10000n;

/** Milliseconds since the Unix epoch (may be negative for pre-1970 values). */
export function filetimeToUnixMs(ft: bigint): number {
  return Number((ft - FILETIME_UNIX_EPOCH) / TICKS_PER_MS);
}

/** undefined for 0 ("not set"). Every u64 FILETIME fits in a JS Date (max year ~60056). */
export function filetimeToDate(ft: bigint): Date | undefined {
  if (ft === 0n) return undefined;
  return new Date(filetimeToUnixMs(ft));
}

/** ISO-8601 UTC string, or undefined for 0. */
export function filetimeToIso(ft: bigint): string | undefined {
  return filetimeToDate(ft)?.toISOString();
}

export function dateToFiletime(d: Date | number): bigint {
  const ms = typeof d === 'number' ? d : d.getTime();
  if (!Number.isFinite(ms)) throw new RangeError('invalid date');
  const ft = BigInt(Math.trunc(ms)) * TICKS_PER_MS + FILETIME_UNIX_EPOCH;
  if (ft < 0n || ft > 0xffffffffffffffffn) throw new RangeError('date outside the FILETIME range');
  return ft;
}
