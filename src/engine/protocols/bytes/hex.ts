// Hex helpers: probes keep raw request/response bytes as hex evidence (a verdict shows
// the raw bytes it rests on), and fixtures are stored as hex.

export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

/** Parses hex, ignoring whitespace. RangeError on odd length or a non-hex character. */
export function fromHex(text: string): Uint8Array {
  const clean = text.replace(/\s+/g, '');
  if (clean.length % 2 !== 0) throw new RangeError('hex string has an odd number of digits');
  if (!/^[0-9a-fA-F]*$/.test(clean)) throw new RangeError('hex string has a non-hex character');
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** `0x` + upper-case hex, zero-padded to `digits` (the format used in evidence and docs). */
export function hex32(v: number, digits = 8): string {
  return `0x${v.toString(16).toUpperCase().padStart(digits, '0')}`;
}
