// Target specifications: the nmap-compatible syntax users type on the command line.
//
//   192.0.2.7              single IPv4            2001:db8::7 / [2001:db8::7]   single IPv6
//   192.0.2.0/24           CIDR (host bits are ignored, as in nmap: 192.0.2.9/24 = 192.0.2.0/24)
//   2001:db8::/120         IPv6 CIDR, at most /112 (65,536 addresses) when enumerating targets
//   192.0.2.5-192.0.2.40   dash range (may cross octet boundaries)
//   192.0.2.5-40           dash range on the last octet (same as nmap's octet syntax below)
//   2001:db8::5-2001:db8::40, 2001:db8::5-40   IPv6 dash range (short form: last 16-bit group, hex)
//   192.0.1-3.1-254        nmap octet ranges: each octet is *, n, n-m, -m, n-, or a comma list
//   192.0.2,3.*            (a comma list of those)
//   host.example           hostname, resolved by an injected resolver; the name stays on the Target
//   -iL FILE               spec-file.ts readSpecFile(): specs separated by whitespace or newlines, # comments
//
// IPv4-mapped IPv6 (::ffff:a.b.c.d, RFC 4291 §2.5.5.2) is folded into IPv4 so one host is never
// scanned twice under two spellings. All problems are reported as TargetSpecError naming the token.

import { lookup } from 'node:dns/promises';
import { formatIPv4, formatIPv6, parseIPv4, parseIPv6, parseIp } from './address.js';
import { quote, TargetSpecError, type TokenSource } from './errors.js';
import {
  cidrToV4Range,
  cidrToV6Range,
  formatRange,
  subtractRangeSets,
  toRangeSet,
  unmapRange,
  v4Range,
  v6Range,
  type IpRange,
  type Ipv6Range,
  type RangeSet,
} from './ranges.js';
import { TargetSet } from './target-set.js';

/** Largest IPv6 block enumerated from one spec: a /112. Larger prefixes cannot be swept. */
export const MAX_IPV6_ENUMERATION = 65_536;
/** Largest number of ranges one octet-range spec may expand to (keeps memory bounded). */
export const MAX_OCTET_SPEC_RANGES = 1 << 20;

export type TargetSpec =
  | {
      readonly kind: 'address' | 'cidr' | 'range' | 'octets';
      readonly token: string;
      /** Covered addresses (IPv4-mapped parts already moved to IPv4); may overlap nothing else. */
      readonly ranges: readonly IpRange[];
    }
  | { readonly kind: 'hostname'; readonly token: string; readonly hostname: string };

export interface ParseTargetSpecOptions {
  /**
   * true (default): the spec lists hosts to scan, so IPv6 blocks above /112 are refused.
   * false: the spec only describes a set (exclude list, scope), any size is fine.
   */
  readonly enumerate?: boolean;
  /** Accept hostnames (default true). Scope files set false: DNS answers can change. */
  readonly allowHostnames?: boolean;
  /** File and line the token came from, for error messages. */
  readonly source?: TokenSource;
}

/** A token plus where it was read from; buildTargetSet accepts these or plain strings. */
export interface SourcedToken {
  readonly token: string;
  readonly source?: TokenSource;
}

export type Resolver = (hostname: string) => Promise<string[]>;

// RFC 1123 §2.1 host names (letters, digits, hyphens; labels 1-63 characters, total <= 253).
// Underscore is tolerated because it occurs in real internal DNS names. The last label must not
// be all-numeric (RFC 1123 §2.1, RFC 3696 §2): that is what tells a typo'd IPv4 from a name.
const LABEL = /^[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?$/;

export function isHostname(s: string): boolean {
  const name = s.endsWith('.') ? s.slice(0, -1) : s;
  if (name.length === 0 || name.length > 253) return false;
  const labels = name.split('.');
  if (!labels.every((l) => LABEL.test(l))) return false;
  return !/^\d+$/.test(labels[labels.length - 1] as string);
}

/** Characters of an attempted IPv4 spec; such a token is never taken for a hostname. */
const IPV4_ISH = /^[\d.,*/-]+$/;

function fail(token: string, message: string, opts: ParseTargetSpecOptions): never {
  throw new TargetSpecError(token, message, opts.source);
}

function v6TooLarge(token: string, size: bigint, opts: ParseTargetSpecOptions): never {
  fail(
    token,
    `${quote(token)} covers ${size.toLocaleString('en-US')} IPv6 addresses; a target spec may list ` +
      `at most ${MAX_IPV6_ENUMERATION.toLocaleString('en-US')} (a /112) because an IPv6 network is ` +
      `far too large to sweep address by address. Use a /112 or longer prefix, or name the hosts.`,
    opts,
  );
}

/** Apply IPv4-mapped folding and the IPv6 enumeration cap to a freshly parsed IPv6 range. */
function finishV6(token: string, r: Ipv6Range, opts: ParseTargetSpecOptions): IpRange[] {
  const pieces = unmapRange(r);
  if (opts.enumerate !== false) {
    let v6Total = 0n;
    for (const p of pieces) if (p.family === 6) v6Total += p.end - p.start + 1n;
    if (v6Total > BigInt(MAX_IPV6_ENUMERATION)) v6TooLarge(token, v6Total, opts);
  }
  return pieces;
}

function parsePrefix(token: string, text: string, max: number, opts: ParseTargetSpecOptions): number {
  if (text === '') fail(token, `${quote(token)} has an empty prefix length after '/'`, opts);
  if (!/^\d{1,3}$/.test(text) || Number(text) > max) {
    fail(token, `${quote(token)}: prefix length '/${text}' must be a number from 0 to ${max}`, opts);
  }
  return Number(text);
}

function parseCidr(token: string, body: string, opts: ParseTargetSpecOptions): TargetSpec {
  const slash = body.lastIndexOf('/');
  const addr = body.slice(0, slash);
  const prefixText = body.slice(slash + 1);
  if (addr.includes(':')) {
    const v = parseIPv6(addr);
    if (v === null) fail(token, `${quote(token)}: ${quote(addr)} is not a valid IPv6 address`, opts);
    const prefix = parsePrefix(token, prefixText, 128, opts);
    return { kind: 'cidr', token, ranges: finishV6(token, cidrToV6Range(v, prefix), opts) };
  }
  const v = parseIPv4(addr);
  if (v === null) {
    if (isHostname(addr) && !IPV4_ISH.test(addr)) {
      fail(
        token,
        `${quote(token)}: a CIDR suffix on a hostname is not supported (it would scan the ` +
          `neighbours of whatever the name resolves to); give the network address instead`,
        opts,
      );
    }
    fail(token, `${quote(token)}: ${quote(addr)} is not a valid IPv4 address`, opts);
  }
  const prefix = parsePrefix(token, prefixText, 32, opts);
  return { kind: 'cidr', token, ranges: [cidrToV4Range(v, prefix)] };
}

function parseV6(token: string, body: string, opts: ParseTargetSpecOptions): TargetSpec {
  if (body.includes('%')) {
    fail(
      token,
      `${quote(token)}: IPv6 zone indices (${body.slice(body.indexOf('%'))}) are not supported`,
      opts,
    );
  }
  const dash = body.indexOf('-');
  if (dash === -1) {
    const v = parseIPv6(body);
    if (v === null) fail(token, `${quote(token)} is not a valid IPv6 address`, opts);
    return { kind: 'address', token, ranges: unmapRange(v6Range(v, v)) };
  }
  const left = body.slice(0, dash);
  const right = body.slice(dash + 1);
  const start = parseIPv6(left);
  if (start === null) {
    fail(token, `${quote(token)}: range start ${quote(left)} is not a valid IPv6 address`, opts);
  }
  let end: bigint | null;
  if (/^[0-9A-Fa-f]{1,4}$/.test(right)) {
    end = (start & ~0xffffn) | BigInt(parseInt(right, 16)); // short form: replaces the last group
  } else {
    end = parseIPv6(right);
    if (end === null) {
      fail(
        token,
        `${quote(token)}: range end ${quote(right)} is neither an IPv6 address nor a last-group ` +
          `value (1-4 hex digits)`,
        opts,
      );
    }
  }
  if (end < start) fail(token, `${quote(token)} is a reversed range (end is below start)`, opts);
  return { kind: 'range', token, ranges: finishV6(token, v6Range(start, end), opts) };
}

/** One octet of nmap octet syntax -> sorted, merged [lo, hi] segments within 0-255. */
function parseOctet(
  token: string,
  text: string,
  index: number,
  opts: ParseTargetSpecOptions,
): Array<[number, number]> {
  const where = `octet ${index + 1} (${quote(text)})`;
  const num = (s: string): number => {
    if (!/^(0|[1-9]\d{0,2})$/.test(s) || Number(s) > 255) {
      fail(
        token,
        `${quote(token)}: ${where}: ${quote(s)} is not a number from 0 to 255 (decimal, no leading zeros)`,
        opts,
      );
    }
    return Number(s);
  };
  const segs: Array<[number, number]> = [];
  for (const item of text.split(',')) {
    if (item === '') fail(token, `${quote(token)}: ${where} has an empty list item`, opts);
    let lo: number;
    let hi: number;
    if (item === '*' || item === '-') {
      lo = 0;
      hi = 255;
    } else if (item.includes('-')) {
      const d = item.indexOf('-');
      const a = item.slice(0, d);
      const b = item.slice(d + 1);
      lo = a === '' ? 0 : num(a);
      hi = b === '' ? 255 : num(b);
      if (hi < lo) fail(token, `${quote(token)}: ${where}: ${quote(item)} is a reversed range`, opts);
    } else {
      lo = hi = num(item);
    }
    segs.push([lo, hi]);
  }
  segs.sort((x, y) => x[0] - y[0]);
  const merged: Array<[number, number]> = [];
  for (const s of segs) {
    const last = merged[merged.length - 1];
    if (last !== undefined && s[0] <= last[1] + 1) last[1] = Math.max(last[1], s[1]);
    else merged.push([s[0], s[1]]);
  }
  return merged;
}

function parseOctets(token: string, body: string, opts: ParseTargetSpecOptions): TargetSpec {
  const parts = body.split('.');
  if (parts.length !== 4) {
    fail(
      token,
      `${quote(token)} is not a valid IPv4 address, range or CIDR (expected four dot-separated ` +
        `octets, found ${parts.length})`,
      opts,
    );
  }
  const octets = parts.map((p, i) => parseOctet(token, p, i, opts));
  // Octets after `k` are all 0-255, so each value combination of octets 0..k-1 and each segment
  // of octet k is one contiguous range. This keeps 10.*.*.* as one range, not 16M.
  const full = (segs: Array<[number, number]>): boolean =>
    segs.length === 1 && segs[0]?.[0] === 0 && segs[0][1] === 255;
  let k = 3;
  while (k > 0 && full(octets[k] as Array<[number, number]>)) k--;
  const count = (segs: Array<[number, number]>): number => segs.reduce((n, s) => n + s[1] - s[0] + 1, 0);
  let nRanges = (octets[k] as Array<[number, number]>).length;
  for (let i = 0; i < k; i++) nRanges *= count(octets[i] as Array<[number, number]>);
  if (nRanges > MAX_OCTET_SPEC_RANGES) {
    fail(
      token,
      `${quote(token)} expands to ${nRanges.toLocaleString('en-US')} separate ranges (limit ` +
        `${MAX_OCTET_SPEC_RANGES.toLocaleString('en-US')}); use CIDR blocks or fewer octet lists`,
      opts,
    );
  }
  const block = 256 ** (3 - k);
  const ranges: IpRange[] = [];
  const walk = (i: number, base: number): void => {
    if (i === k) {
      for (const [lo, hi] of octets[k] as Array<[number, number]>) {
        ranges.push(v4Range(base + lo * block, base + hi * block + block - 1));
      }
      return;
    }
    const weight = 256 ** (3 - i);
    for (const [lo, hi] of octets[i] as Array<[number, number]>) {
      for (let v = lo; v <= hi; v++) walk(i + 1, base + v * weight);
    }
  };
  walk(0, 0);
  const single = ranges.length === 1 && ranges[0]?.start === ranges[0]?.end;
  return { kind: single ? 'address' : 'octets', token, ranges };
}

/**
 * Parse one target specification. Throws TargetSpecError naming `token` when it is unusable.
 * Hostnames are returned unresolved (kind 'hostname').
 */
export function parseTargetSpec(token: string, opts: ParseTargetSpecOptions = {}): TargetSpec {
  if (token.length === 0 || token.trim().length === 0) {
    fail(token, 'empty target specification', opts);
  }
  if (/\s/.test(token)) {
    fail(token, `${quote(token)} contains whitespace; give one target per token`, opts);
  }
  let body = token;
  const bracket = /^\[([^\]]*)\](\/.*)?$/.exec(token);
  if (bracket) {
    body = (bracket[1] ?? '') + (bracket[2] ?? '');
    if (!(bracket[1] ?? '').includes(':')) {
      fail(token, `${quote(token)}: brackets are only for IPv6 addresses`, opts);
    }
  }
  if (body.includes('/')) return parseCidr(token, body, opts);
  if (body.includes(':')) return parseV6(token, body, opts);

  const v4 = parseIPv4(body);
  if (v4 !== null) return { kind: 'address', token, ranges: [v4Range(v4, v4)] };

  const dash = body.indexOf('-');
  if (dash !== -1 && body.indexOf('-', dash + 1) === -1) {
    const a = parseIPv4(body.slice(0, dash));
    const b = parseIPv4(body.slice(dash + 1));
    if (a !== null && b !== null) {
      if (b < a) fail(token, `${quote(token)} is a reversed range (end is below start)`, opts);
      return { kind: 'range', token, ranges: [v4Range(a, b)] };
    }
  }
  if (IPV4_ISH.test(body)) return parseOctets(token, body, opts);
  if (isHostname(body)) {
    if (opts.allowHostnames === false) {
      fail(
        token,
        `${quote(token)}: hostnames are not allowed here; use IP addresses, ranges or CIDRs`,
        opts,
      );
    }
    return { kind: 'hostname', token, hostname: body };
  }
  fail(token, `${quote(token)} is not an IP address, range, CIDR or hostname`, opts);
}

/**
 * Split nmap's comma-separated list (--exclude a,b,c) into specs. Commas also occur inside octet
 * lists (10.0.1,3.*), so a piece that is not a valid spec on its own ("3.*", "7") continues the
 * previous one: "10.0.0.1,2" is one octet spec (10.0.0.1 and 10.0.0.2), as nmap reads it, while
 * "10.0.0.1,10.0.0.2" is two specs. Whitespace always separates specs.
 */
export function splitSpecList(arg: string): string[] {
  const standsAlone = (piece: string): boolean => {
    try {
      parseTargetSpec(piece, { enumerate: false });
      return true;
    } catch {
      return false;
    }
  };
  const out: string[] = [];
  for (const word of arg.split(/\s+/)) {
    if (word === '') continue;
    const pieces = word.split(',');
    let i = 0;
    while (i < pieces.length) {
      let j = i + 1;
      while (j < pieces.length && !standsAlone(pieces[j] as string)) j++;
      const spec = pieces.slice(i, j).join(',');
      if (pieces[i] === '' || spec.endsWith(',')) {
        throw new TargetSpecError(word, `${quote(word)} has an empty list item`);
      }
      parseTargetSpec(spec, { enumerate: false }); // throws with the precise reason
      out.push(spec);
      i = j;
    }
  }
  if (out.length === 0) throw new TargetSpecError(arg, 'empty target list');
  return out;
}

/** Append the tokens of one line of a spec file (`lineNo` 1-based) to `out`; '#' starts a comment. */
export function lineTokens(raw: string, file: string, lineNo: number, out: SourcedToken[]): void {
  const hash = raw.indexOf('#');
  const line = hash === -1 ? raw : raw.slice(0, hash);
  for (const token of line.split(/\s+/)) {
    if (token !== '') out.push({ token, source: { file, line: lineNo } });
  }
}

/** Tokens of a spec file's text: separated by whitespace or newlines; '#' starts a comment to end of line. */
export function parseSpecText(text: string, file: string): SourcedToken[] {
  const out: SourcedToken[] = [];
  text.split(/\r?\n|\r/).forEach((raw, idx) => lineTokens(raw, file, idx + 1, out));
  return out;
}

/** Resolve with the system resolver (getaddrinfo, so /etc/hosts applies), all families. */
export const defaultResolver: Resolver = async (hostname) => {
  const results = await lookup(hostname, { all: true, order: 'verbatim' });
  return results.map((r) => r.address);
};

export interface BuildTargetSetOptions {
  /** Specs to subtract exactly (hostnames are resolved too). See splitSpecList / spec-file.ts readTargetFile. */
  readonly excludes?: readonly (string | SourcedToken)[];
  /** Hostname resolver; defaults to node:dns lookup (all addresses, resolver order). */
  readonly resolve?: Resolver;
  /** Refuse sets above this many hosts (after excludes). */
  readonly maxHosts?: number;
  /**
   * 'all' (default): scan every address a name resolves to (an exposure audit wants the IPv6
   * face of a host too). 'first': only the first one, like nmap. Hostnames in `excludes` always
   * remove every address they resolve to.
   */
  readonly hostnameAddresses?: 'all' | 'first';
}

const RESOLVE_CONCURRENCY = 16;

async function resolveAll(
  names: readonly { hostname: string; token: string; source?: TokenSource }[],
  resolve: Resolver,
): Promise<Map<string, IpRange[]>> {
  const unique = new Map<string, { hostname: string; token: string; source?: TokenSource }>();
  for (const n of names) {
    const key = n.hostname.toLowerCase();
    if (!unique.has(key)) unique.set(key, n);
  }
  const entries = [...unique.entries()];
  const results = new Array<PromiseSettledResult<string[]>>(entries.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < entries.length) {
      const i = next++;
      const name = (entries[i] as [string, { hostname: string }])[1].hostname;
      try {
        results[i] = { status: 'fulfilled', value: await resolve(name) };
      } catch (reason) {
        results[i] = { status: 'rejected', reason };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(RESOLVE_CONCURRENCY, entries.length) }, worker));

  const out = new Map<string, IpRange[]>();
  entries.forEach(([key, n], i) => {
    const res = results[i] as PromiseSettledResult<string[]>;
    if (res.status === 'rejected') {
      const e = res.reason as NodeJS.ErrnoException;
      const why = e?.code ?? e?.message ?? String(res.reason);
      throw new TargetSpecError(n.token, `cannot resolve hostname ${quote(n.hostname)}: ${why}`, n.source);
    }
    const addrs = res.value;
    if (addrs.length === 0) {
      throw new TargetSpecError(n.token, `hostname ${quote(n.hostname)} resolved to no addresses`, n.source);
    }
    const ranges: IpRange[] = [];
    for (const a of addrs) {
      const p = parseIp(a);
      if (p === null) {
        throw new TargetSpecError(
          n.token,
          `resolver returned ${quote(String(a))} for ${quote(n.hostname)}, which is not an IP address`,
          n.source,
        );
      }
      ranges.push(p.family === 4 ? v4Range(p.value, p.value) : v6Range(p.value, p.value));
    }
    out.set(key, ranges);
  });
  return out;
}

function sourced(t: string | SourcedToken): SourcedToken {
  return typeof t === 'string' ? { token: t } : t;
}

/**
 * Parse, resolve and merge target tokens into a TargetSet, minus the excludes.
 * Overlaps and duplicates collapse (each address appears once); an address named through a
 * hostname keeps that name as its label (the first name given wins).
 */
export async function buildTargetSet(
  tokens: readonly (string | SourcedToken)[],
  options: BuildTargetSetOptions = {},
): Promise<TargetSet> {
  const resolve = options.resolve ?? defaultResolver;
  const mode = options.hostnameAddresses ?? 'all';

  const parse = (t: SourcedToken, enumerate: boolean): TargetSpec =>
    parseTargetSpec(t.token, t.source ? { enumerate, source: t.source } : { enumerate });
  const include = tokens.map(sourced).map((t) => ({ t, spec: parse(t, true) }));
  const exclude = (options.excludes ?? []).map(sourced).map((t) => ({ t, spec: parse(t, false) }));

  const names = [...include, ...exclude].flatMap(({ t, spec }) =>
    spec.kind === 'hostname' ? [{ hostname: spec.hostname, token: t.token, source: t.source }] : [],
  );
  const resolved = names.length ? await resolveAll(names, resolve) : new Map<string, IpRange[]>();
  // 'first' narrows what a hostname adds; an excluded hostname always removes every address.
  const rangesOf = (spec: TargetSpec, including: boolean): readonly IpRange[] => {
    if (spec.kind !== 'hostname') return spec.ranges;
    const all = resolved.get(spec.hostname.toLowerCase()) ?? [];
    return including && mode === 'first' ? all.slice(0, 1) : all;
  };

  const labels: Array<[string, string]> = [];
  const all: IpRange[] = [];
  let largest = { token: '', size: 0 };
  for (const { t, spec } of include) {
    let size = 0;
    for (const r of rangesOf(spec, true)) {
      all.push(r);
      size += r.family === 4 ? r.end - r.start + 1 : Number(r.end - r.start + 1n);
      if (spec.kind === 'hostname') {
        labels.push([r.family === 4 ? formatIPv4(r.start) : formatIPv6(r.start), spec.hostname]);
      }
    }
    if (size > largest.size) largest = { token: t.token, size };
  }
  let set: RangeSet = toRangeSet(all);
  if (exclude.length) set = subtractRangeSets(set, toRangeSet(exclude.flatMap(({ spec }) => rangesOf(spec, false))));

  const targets = TargetSet.fromRangeSet(set, labels);
  if (options.maxHosts !== undefined && targets.size > options.maxHosts) {
    throw new TargetSpecError(
      largest.token,
      `targets add up to ${targets.size.toLocaleString('en-US')} hosts, above the limit of ` +
        `${options.maxHosts.toLocaleString('en-US')} (largest spec: ${quote(largest.token)}, ` +
        `${largest.size.toLocaleString('en-US')} addresses)`,
    );
  }
  return targets;
}

/** Parse specs (no hostnames) into a normalised RangeSet, e.g. for scope or exclude lists. */
export function rangeSetFromSpecs(
  tokens: readonly (string | SourcedToken)[],
  opts: { readonly enumerate?: boolean } = {},
): RangeSet {
  const ranges: IpRange[] = [];
  for (const t of tokens.map(sourced)) {
    const spec = parseTargetSpec(t.token, {
      enumerate: opts.enumerate ?? false,
      allowHostnames: false,
      ...(t.source ? { source: t.source } : {}),
    });
    if (spec.kind !== 'hostname') for (const r of spec.ranges) ranges.push(r); // one octet spec can hold many ranges: no spread
  }
  return toRangeSet(ranges);
}

/** Human description of a spec's coverage, e.g. for a dry-run listing. */
export function describeSpec(spec: TargetSpec): string {
  if (spec.kind === 'hostname') return `hostname ${spec.hostname}`;
  const set = toRangeSet(spec.ranges);
  return [...set.v4, ...set.v6].map(formatRange).join(', ');
}
