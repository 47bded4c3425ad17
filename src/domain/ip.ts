// Addresses and CIDR blocks as the inventory sees them.
//
// Parsing and canonical text come from the engine's strict parser (dotted-quad IPv4 only, RFC 4291 §2.2
// IPv6, RFC 5952 output, IPv4-mapped IPv6 unmapped to IPv4) so that the scanner and the inventory agree
// on which string names which host. This module adds what the inventory needs on top:
//  - CIDR blocks (RFC 4632 §3.1) with their first/last address, refusing host bits (a typo guard: a
//    registered scope "10.20.5.7/16" is almost certainly not what the agency authorised);
//  - a fixed-width, order-preserving text key per address, so that both databases can compare and
//    index addresses and range bounds as plain text (no IP type in SQLite; PostgreSQL's inet would split
//    the schema in two);
//  - a small index answering "which registered network holds this address" (most specific wins).
//
// Two CIDR blocks are either disjoint or one contains the other (RFC 4632 §3.1: a prefix is an aligned
// power-of-two block), so "overlap" always means nesting or identity.

import { formatIp, parseIp } from '../engine/targets/address.js';
import type { ParsedIp } from '../engine/targets/address.js';
import { validationError } from './errors.js';

export type IpFamily = 4 | 6;

export interface Address {
  readonly family: IpFamily;
  /** The address as an unsigned integer (IPv4 in the low 32 bits). */
  readonly value: bigint;
  /** RFC 5952 / dotted-quad canonical text. */
  readonly text: string;
}

export interface Cidr {
  readonly family: IpFamily;
  readonly prefix: number;
  /** First and last address of the block, inclusive. */
  readonly first: bigint;
  readonly last: bigint;
  /** Canonical text, e.g. "10.20.0.0/16", "2001:db8::/48". */
  readonly text: string;
}

function toAddress(p: ParsedIp): Address {
  return { family: p.family, value: BigInt(p.value), text: formatIp(p) };
}

/** Parse one address; undefined when `s` is not an address. */
export function tryParseAddress(s: string): Address | undefined {
  const p = parseIp(s.trim());
  return p === null ? undefined : toAddress(p);
}

/** Parse one address or throw E_VALIDATION naming it. */
export function parseAddress(s: string, field = 'ip'): Address {
  const a = tryParseAddress(s);
  if (a === undefined) throw validationError(`${field}: ${JSON.stringify(s)} is not an IPv4 or IPv6 address`, { field, value: s });
  return a;
}

/** Canonical text of an address, or E_VALIDATION. */
export function canonicalIp(s: string, field = 'ip'): string {
  return parseAddress(s, field).text;
}

const BITS = { 4: 32, 6: 128 } as const;

/**
 * Parse a CIDR block ("10.20.0.0/16"). A bare address is a host block (/32 or /128). Host bits must be
 * zero: "10.20.5.7/16" is refused with the block it probably meant, rather than silently widened.
 */
export function parseCidr(s: string, field = 'cidr'): Cidr {
  const text = s.trim();
  const slash = text.indexOf('/');
  const addrText = slash < 0 ? text : text.slice(0, slash);
  const addr = tryParseAddress(addrText);
  if (addr === undefined) throw validationError(`${field}: ${JSON.stringify(s)} is not a CIDR block (address/prefix)`, { field, value: s });
  const bits: number = BITS[addr.family];
  // An IPv4-mapped spelling ("::ffff:10.0.0.0/104") is unmapped to IPv4 by the parser; its prefix is
  // written in IPv6 bits and counts from the IPv4 part once unmapped.
  const mapped = addr.family === 4 && addrText.includes(':');
  let prefix = bits;
  if (slash >= 0) {
    const p = text.slice(slash + 1);
    const max = mapped ? 128 : bits;
    if (!/^(0|[1-9][0-9]{0,2})$/.test(p) || Number(p) > max) {
      throw validationError(`${field}: prefix length in ${JSON.stringify(s)} must be 0..${max}`, { field, value: s });
    }
    prefix = Number(p);
    if (mapped) {
      if (prefix < 96) throw validationError(`${field}: ${JSON.stringify(s)} leaves the IPv4-mapped block`, { field, value: s });
      prefix -= 96;
    }
  }
  const hostBits = BigInt(bits - prefix);
  const mask = (1n << hostBits) - 1n;
  if ((addr.value & mask) !== 0n) {
    const net = addr.value & ~mask;
    const suggestion = `${formatValue(addr.family, net)}/${prefix}`;
    throw validationError(`${field}: ${JSON.stringify(s)} has host bits set; did you mean ${suggestion}?`, { field, value: s, suggestion });
  }
  return { family: addr.family, prefix, first: addr.value, last: addr.value | mask, text: `${addr.text}/${prefix}` };
}

function formatValue(family: IpFamily, v: bigint): string {
  return family === 4 ? formatIp({ family: 4, value: Number(v) }) : formatIp({ family: 6, value: v });
}

export function cidrContainsAddress(c: Cidr, a: Address): boolean {
  return c.family === a.family && a.value >= c.first && a.value <= c.last;
}

/** true when `outer` contains `inner` (or they are the same block). */
export function cidrContains(outer: Cidr, inner: Cidr): boolean {
  return outer.family === inner.family && outer.first <= inner.first && inner.last <= outer.last;
}

export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  return a.family === b.family && a.first <= b.last && b.first <= a.last;
}

/** Number of addresses in a block, as a bigint (an IPv6 /0 does not fit a number). */
export function cidrSize(c: Cidr): bigint {
  return c.last - c.first + 1n;
}

/**
 * Order-preserving text key: family digit + 32 lowercase hex digits ("4" + zero-padded IPv4, "6" +
 * IPv6). Byte-wise comparison of two keys equals numeric comparison of the addresses within a family,
 * and every IPv4 key sorts before every IPv6 key. Both databases compare these with binary collation
 * (SQLite's default; PostgreSQL columns are declared COLLATE "C" in the migration).
 */
export function addressKey(family: IpFamily, value: bigint): string {
  return `${family}${value.toString(16).padStart(32, '0')}`;
}

export function keyOfIp(ip: string): string {
  const a = parseAddress(ip);
  return addressKey(a.family, a.value);
}

/** Inverse of addressKey (for diagnostics and tests). */
export function ipOfKey(key: string): string {
  const family = key[0] === '6' ? 6 : 4;
  return formatValue(family, BigInt(`0x${key.slice(1)}`));
}

export interface IndexedNetwork {
  readonly id: string;
  readonly agencyId: string;
  readonly cidr: string;
}

/**
 * "Which registered network holds this address": most specific block wins, so a unit's delegated /24
 * inside its parent OPD's /16 claims its own hosts. Built once from the networks table and queried per
 * observed host: one Map per prefix length in use, probed longest prefix first, so a lookup costs at most
 * one masked Map probe per distinct prefix length (≤ 33 for IPv4) whatever the number of blocks.
 */
export class NetworkIndex<N extends IndexedNetwork = IndexedNetwork> {
  readonly #levels: Record<IpFamily, { prefix: number; mask: bigint; blocks: Map<bigint, N> }[]> = { 4: [], 6: [] };

  constructor(networks: Iterable<N>) {
    for (const net of networks) {
      const cidr = parseCidr(net.cidr);
      const levels = this.#levels[cidr.family];
      let level = levels.find((l) => l.prefix === cidr.prefix);
      if (level === undefined) {
        const bits = BITS[cidr.family];
        const mask = ((1n << BigInt(bits)) - 1n) ^ ((1n << BigInt(bits - cidr.prefix)) - 1n);
        level = { prefix: cidr.prefix, mask, blocks: new Map() };
        levels.push(level);
      }
      level.blocks.set(cidr.first, net);
    }
    for (const levels of Object.values(this.#levels)) levels.sort((a, b) => b.prefix - a.prefix);
  }

  /** The most specific network containing `ip`, or undefined when the address is in no registered block. */
  lookup(ip: string): N | undefined {
    const a = tryParseAddress(ip);
    if (a === undefined) return undefined;
    for (const level of this.#levels[a.family]) {
      const hit = level.blocks.get(a.value & level.mask);
      if (hit !== undefined) return hit;
    }
    return undefined;
  }
}

// ---- address space -------------------------------------------------------------------------------------
//
// What an address block is, for deciding whether registering it as an agency's scan scope needs a second
// look (domain/network.ts). The tables follow the IANA IPv4 and IPv6 Special-Purpose Address Registries
// (RFC 6890, updated by RFC 8190): blocks that are not globally reachable are the city's own kind of
// space (RFC 1918 private, RFC 6598 shared, RFC 4193 unique local, and the documentation and
// benchmarking blocks that tests and the project's lab use); everything else is "public".

/** How a block of address space is used, as far as registering it is concerned. */
export type SpaceKind = 'never' | 'loopback' | 'private' | 'public';

export interface SpecialBlock {
  readonly cidr: Cidr;
  readonly kind: Exclude<SpaceKind, 'public'>;
  /** What the block is, in English and Indonesian (shown when a registration is refused or questioned). */
  readonly en: string;
  readonly id: string;
}

const block = (text: string, kind: SpecialBlock['kind'], en: string, id: string): SpecialBlock => ({ cidr: parseCidr(text), kind, en, id });

/**
 * Never an agency's network: not hosts at all, or hosts no scanner should ever address. The engine's
 * never-scan list (engine/targets/scope.ts NEVER_SCAN; a unit test keeps the two in step) plus the
 * link-local blocks, whose addresses mean something different on every segment (RFC 3927, RFC 4291
 * §2.5.6), so a central registration of them names no particular host.
 */
export const NEVER_REGISTER: readonly SpecialBlock[] = [
  block('0.0.0.0/8', 'never', '"this network" (RFC 6890), not a host', '"jaringan ini" (RFC 6890), bukan host'),
  block('169.254.0.0/16', 'never', 'IPv4 link-local (RFC 3927): means another host on every segment', 'link-local IPv4 (RFC 3927): berarti host lain di setiap segmen'),
  block('224.0.0.0/4', 'never', 'IPv4 multicast (RFC 5771)', 'multicast IPv4 (RFC 5771)'),
  block('240.0.0.0/4', 'never', 'reserved IPv4 space and the broadcast address 255.255.255.255 (RFC 1112, RFC 919)', 'ruang IPv4 cadangan dan alamat siaran 255.255.255.255 (RFC 1112, RFC 919)'),
  block('::/128', 'never', 'the IPv6 unspecified address (RFC 4291 §2.5.2)', 'alamat IPv6 tak-tertentu (RFC 4291 §2.5.2)'),
  block('100::/64', 'never', 'the IPv6 discard-only prefix (RFC 6666)', 'prefiks IPv6 khusus-buang (RFC 6666)'),
  block('fe80::/10', 'never', 'IPv6 link-local (RFC 4291 §2.5.6): means another host on every segment', 'link-local IPv6 (RFC 4291 §2.5.6): berarti host lain di setiap segmen'),
  block('ff00::/8', 'never', 'IPv6 multicast (RFC 4291 §2.7)', 'multicast IPv6 (RFC 4291 §2.7)'),
];

/** The other special-purpose blocks: loopback, and space that is not globally reachable. */
export const SPECIAL_SPACE: readonly SpecialBlock[] = [
  block('127.0.0.0/8', 'loopback', 'loopback (RFC 1122 §3.2.1.3): the Perisai server itself', 'loopback (RFC 1122 §3.2.1.3): server Perisai itu sendiri'),
  block('::1/128', 'loopback', 'IPv6 loopback (RFC 4291 §2.5.3): the Perisai server itself', 'loopback IPv6 (RFC 4291 §2.5.3): server Perisai itu sendiri'),
  block('10.0.0.0/8', 'private', 'private (RFC 1918)', 'privat (RFC 1918)'),
  block('172.16.0.0/12', 'private', 'private (RFC 1918)', 'privat (RFC 1918)'),
  block('192.168.0.0/16', 'private', 'private (RFC 1918)', 'privat (RFC 1918)'),
  block('100.64.0.0/10', 'private', 'shared address space (RFC 6598)', 'ruang alamat bersama (RFC 6598)'),
  block('192.0.0.0/24', 'private', 'IETF protocol assignments (RFC 6890)', 'penetapan protokol IETF (RFC 6890)'),
  block('192.0.2.0/24', 'private', 'documentation (RFC 5737)', 'dokumentasi (RFC 5737)'),
  block('198.51.100.0/24', 'private', 'documentation (RFC 5737)', 'dokumentasi (RFC 5737)'),
  block('203.0.113.0/24', 'private', 'documentation (RFC 5737)', 'dokumentasi (RFC 5737)'),
  block('198.18.0.0/15', 'private', 'benchmarking (RFC 2544)', 'uji kinerja (RFC 2544)'),
  block('fc00::/7', 'private', 'unique local (RFC 4193)', 'unik lokal (RFC 4193)'),
  block('2001:db8::/32', 'private', 'documentation (RFC 3849)', 'dokumentasi (RFC 3849)'),
  block('64:ff9b:1::/48', 'private', 'local-use IPv4/IPv6 translation (RFC 8215)', 'translasi IPv4/IPv6 lokal (RFC 8215)'),
];

/** The special blocks `c` overlaps (contains, lies in, or equals), never-register blocks first. */
export function specialBlocksOf(c: Cidr): SpecialBlock[] {
  return [...NEVER_REGISTER, ...SPECIAL_SPACE].filter((b) => cidrsOverlap(b.cidr, c));
}

/**
 * True when part of `c` is public: not covered by any special block. Blocks are aligned, so `c` is
 * covered exactly when the special blocks inside it (plus one that contains it) tile it completely.
 */
export function hasPublicSpace(c: Cidr): boolean {
  const inside = [...NEVER_REGISTER, ...SPECIAL_SPACE]
    .filter((b) => cidrsOverlap(b.cidr, c))
    .map((b) => ({ first: b.cidr.first > c.first ? b.cidr.first : c.first, last: b.cidr.last < c.last ? b.cidr.last : c.last }))
    .sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : 0));
  let next = c.first;
  for (const r of inside) {
    if (r.first > next) return true;
    if (r.last + 1n > next) next = r.last + 1n;
    if (next > c.last) return false;
  }
  return next <= c.last;
}
