// DecodeError: the only error a protocol decoder in src/engine/protocols may throw on
// malformed input. Probes catch it and turn it into a `protocol-error` observation with
// the raw bytes as evidence (docs/smb-detection.md §5.4: "malformed → unknown"), so a
// hostile or broken server can never crash a scan or be mistaken for "not vulnerable".
//
// Encoders throw RangeError/TypeError instead: their input comes from our own code, and a
// bad argument there is a programming error, not a property of the remote host.

/**
 * - `truncated`: a read would go past the end of the input (or of a declared sub-region).
 * - `invalid`: a field holds a value the format does not allow (bad magic, bad structure size…).
 * - `too-large`: a declared length or count exceeds the cap we enforce.
 * - `unsupported`: well-formed but outside what we decode (e.g. an encrypted SMB2 transform).
 */
export type DecodeErrorCode = 'truncated' | 'invalid' | 'too-large' | 'unsupported';

export class DecodeError extends Error {
  override readonly name = 'DecodeError';
  /** Byte offset (within the buffer the decoder was given) where the problem was found. */
  readonly offset: number;
  /** Name of the field being read, e.g. `SMB1.ByteCount` or `NTLMSSP.TargetInfoFields.Offset`. */
  readonly field: string;
  readonly code: DecodeErrorCode;

  constructor(code: DecodeErrorCode, field: string, offset: number, detail?: string) {
    super(`${code}: ${field} at offset ${offset}${detail === undefined ? '' : `: ${detail}`}`);
    this.code = code;
    this.field = field;
    this.offset = offset;
  }
}

export function isDecodeError(err: unknown): err is DecodeError {
  return err instanceof DecodeError;
}
