// String helpers for the two encodings SMB uses on the wire (docs/smb-detection.md §2.5):
// UTF-16LE (Flags2 UNICODE, NTLMSSP with NEGOTIATE_UNICODE, AV pairs) and single-byte
// "OEM" strings, which we read as Latin-1 (a byte maps to the code point of the same value;
// Windows-1252 differs only in 0x80–0x9F, never seen in these fields).
//
// Decoding never throws: a lone surrogate or an odd trailing byte becomes U+FFFD / is dropped,
// because a server-supplied name is evidence to show, not something to reject.

const utf16Decoder = new TextDecoder('utf-16le', { fatal: false });

export function decodeUtf16le(bytes: Uint8Array): string {
  const even = bytes.length & ~1;
  return utf16Decoder.decode(even === bytes.length ? bytes : bytes.subarray(0, even));
}

export function encodeUtf16le(text: string): Uint8Array {
  const out = new Uint8Array(text.length * 2);
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    out[2 * i] = unit & 0xff;
    out[2 * i + 1] = unit >>> 8;
  }
  return out;
}

export function decodeLatin1(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return s;
}

/** Encodes code points 0–255 as one byte each; anything else is a caller bug (RangeError). */
export function encodeLatin1(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0xff) throw new RangeError(`character U+${c.toString(16)} cannot be sent as a single-byte string`);
    out[i] = c;
  }
  return out;
}
