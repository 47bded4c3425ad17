// IP address parsing and formatting.
//
// Representation: an IPv4 address is an unsigned 32-bit integer held in a `number`
// (0 .. 2^32-1, never a negative int32); an IPv6 address is a 128-bit unsigned `bigint`.
//
// Parsing is deliberately strict so that every layer (this module, node:net, the kernel)
// agrees on which host a string names:
//  - IPv4 is dotted-quad decimal only. inet_aton(3) also accepts "127.1", hex "0x7f.0.0.1" and
//    octal "010.0.0.1" (= 8.0.0.1); we refuse them, like node:net's isIPv4() does, because a
//    user typing 010.0.0.1 almost certainly does not mean 8.0.0.1.
//  - IPv6 follows the text forms of RFC 4291 §2.2 (hex groups, one "::", trailing dotted
//    IPv4). Zone indices ("fe80::1%eth0", RFC 4007 §11) are refused: a zone is not part of the
//    address value and cannot be carried through ranges.
//  - Output follows RFC 5952 (lowercase, no leading zeros, longest run of two or more zero
//    groups compressed, IPv4-mapped addresses shown as ::ffff:a.b.c.d).
//
// IPv4-mapped IPv6 (::ffff:0:0/96, RFC 4291 §2.5.5.2) names an IPv4 host as seen through an
// IPv6 socket. `parseIp` unmaps it to family 4 so that a mapped spelling can neither scan a host
// twice nor slip past a scope written in IPv4 terms.

import type { IpFamily } from '../types.js';

export type ParsedIp =
  | { readonly family: 4; readonly value: number }
  | { readonly family: 6; readonly value: bigint };

export const IPV4_MAX = 0xffffffff;
export const IPV6_MAX = (1n << 128n) - 1n;
/** First address of ::ffff:0:0/96, the IPv4-mapped block (RFC 4291 §2.5.5.2). */
export const IPV4_MAPPED_START = 0xffff_0000_0000n;
/** Last address of ::ffff:0:0/96. */
export const IPV4_MAPPED_END = 0xffff_ffff_ffffn;

const CH_0 = 48;
const CH_9 = 57;
const CH_DOT = 46;

/**
 * Parse a dotted-quad IPv4 address to an unsigned integer, or null when `s` is not one.
 * Octets are decimal 0-255 without leading zeros ("0" itself is fine).
 */
export function parseIPv4(s: string): number | null {
  const len = s.length;
  if (len < 7 || len > 15) return null;
  let value = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < len; i++) {
    const c = s.charCodeAt(i);
    if (c >= CH_0 && c <= CH_9) {
      if (digits > 0 && octet === 0) return null; // leading zero
      octet = octet * 10 + (c - CH_0);
      if (octet > 255) return null;
      digits++;
    } else if (c === CH_DOT) {
      if (digits === 0 || dots === 3) return null;
      value = value * 256 + octet;
      octet = 0;
      digits = 0;
      dots++;
    } else {
      return null;
    }
  }
  if (dots !== 3 || digits === 0) return null;
  return value * 256 + octet;
}

/** Format an unsigned 32-bit integer as dotted-quad. */
export function formatIPv4(n: number): string {
  return `${Math.floor(n / 0x1000000)}.${(n >>> 16) & 0xff}.${(n >>> 8) & 0xff}.${n & 0xff}`;
}

function parseHexGroup(s: string): number {
  if (s.length === 0 || s.length > 4) return -1;
  let v = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let d: number;
    if (c >= 48 && c <= 57) d = c - 48;
    else if (c >= 97 && c <= 102) d = c - 87;
    else if (c >= 65 && c <= 70) d = c - 55;
    else return -1;
    v = v * 16 + d;
  }
  return v;
}

/** Parse the groups of one side of "::"; returns null on any malformed group. */
function parseGroups(part: string, allowTrailingV4: boolean): number[] | null {
  if (part === '') return [];
  const items = part.split(':');
  const out: number[] = [];
  for (let i = 0; i < items.length; i++) {
    const item = items[i] as string;
    if (allowTrailingV4 && i === items.length - 1 && item.includes('.')) {
      const v4 = parseIPv4(item);
      if (v4 === null) return null;
      out.push(Math.floor(v4 / 0x10000), v4 & 0xffff);
    } else {
      const g = parseHexGroup(item);
      if (g < 0) return null;
      out.push(g);
    }
  }
  return out;
}

/** Parse an IPv6 address (RFC 4291 §2.2 text form, no zone, no brackets) to a bigint, or null. */
export function parseIPv6(s: string): bigint | null {
  // Longest valid form: "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255" (45 characters).
  if (s.length < 2 || s.length > 45) return null;
  const dbl = s.indexOf('::');
  let groups: number[];
  if (dbl === -1) {
    const g = parseGroups(s, true);
    if (g === null || g.length !== 8) return null;
    groups = g;
  } else {
    if (s.indexOf('::', dbl + 1) !== -1) return null; // at most one "::" (also rejects ":::")
    const head = parseGroups(s.slice(0, dbl), false);
    const tail = parseGroups(s.slice(dbl + 2), true);
    if (head === null || tail === null) return null;
    const missing = 8 - head.length - tail.length;
    if (missing < 1) return null; // "::" stands for at least one group
    groups = head.concat(new Array<number>(missing).fill(0), tail);
  }
  // Pair the groups into four 32-bit words so only four BigInt conversions are needed.
  const w = [0, 0, 0, 0];
  for (let i = 0; i < 8; i += 2) w[i >> 1] = (groups[i] as number) * 0x10000 + (groups[i + 1] as number);
  return (
    (BigInt(w[0] as number) << 96n) |
    (BigInt(w[1] as number) << 64n) |
    (BigInt(w[2] as number) << 32n) |
    BigInt(w[3] as number)
  );
}

/** Format a 128-bit value as RFC 5952 canonical IPv6 text. */
export function formatIPv6(v: bigint): string {
  const groups = new Array<number>(8);
  for (let i = 0; i < 4; i++) {
    const word = Number((v >> BigInt(96 - 32 * i)) & 0xffffffffn);
    groups[2 * i] = Math.floor(word / 0x10000);
    groups[2 * i + 1] = word & 0xffff;
  }
  // RFC 5952 §5: IPv4-mapped addresses keep the dotted-quad tail.
  if (v >= IPV4_MAPPED_START && v <= IPV4_MAPPED_END) {
    return `::ffff:${formatIPv4(Number(v & 0xffffffffn))}`;
  }
  // RFC 5952 §4.2: compress the longest run (>= 2 groups) of zeros, the first one on ties.
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (a: number, b: number): string =>
    groups
      .slice(a, b)
      .map((g) => g.toString(16))
      .join(':');
  if (bestStart === -1) return hex(0, 8);
  return `${hex(0, bestStart)}::${hex(bestStart + bestLen, 8)}`;
}

/** True when the value lies in ::ffff:0:0/96 (IPv4-mapped IPv6). */
export function isIPv4Mapped(v: bigint): boolean {
  return v >= IPV4_MAPPED_START && v <= IPV4_MAPPED_END;
}

/**
 * Parse an IPv4 or IPv6 address. IPv4-mapped IPv6 is returned as family 4 (see header).
 * Returns null when `s` is not an address (surrounding whitespace is not accepted either).
 */
export function parseIp(s: string): ParsedIp | null {
  if (s.includes(':')) {
    const v = parseIPv6(s);
    if (v === null) return null;
    if (isIPv4Mapped(v)) return { family: 4, value: Number(v & 0xffffffffn) };
    return { family: 6, value: v };
  }
  const v4 = parseIPv4(s);
  return v4 === null ? null : { family: 4, value: v4 };
}

/** Canonical text of a parsed address. */
export function formatIp(ip: ParsedIp): string {
  return ip.family === 4 ? formatIPv4(ip.value) : formatIPv6(ip.value);
}

/** Canonical text of an address (IPv4-mapped IPv6 becomes dotted-quad), or null if invalid. */
export function normalizeIp(s: string): string | null {
  const p = parseIp(s);
  return p === null ? null : formatIp(p);
}

/** Address family of `s` after unmapping, or null when `s` is not an address. */
export function ipFamily(s: string): IpFamily | null {
  const p = parseIp(s);
  return p === null ? null : p.family;
}
