// The beds' ground truth as bench/beds/plan.py writes it (truth.json in the bed state directory): every bed's
// namespace, targets and open (ip, port) pairs, and bed E/G's SMB personas. The address maths (blocks and the
// addresses in them) is the engine's own target parser (src/engine/targets), so the bench reads a CIDR block
// exactly as `perisai scan` does.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { formatIPv4, rangeSetFromSpecs } from '../src/engine/targets/index.js';
import type { Ipv4Range } from '../src/engine/targets/index.js';

export type BedName = 'A' | 'B' | 'C' | 'D' | 'E' | 'F' | 'G';
export const ALL_BEDS: readonly BedName[] = ['A', 'B', 'C', 'D', 'E', 'F', 'G'];
/** The SMB beds: E (the lab's personas, Samba forks per connection) and G (non-forking emulated personas, at scale). */
export const isSmbBed = (b: BedName): b is 'E' | 'G' => b === 'E' || b === 'G';

/** Bed E: one of the lab's SMB personas behind a /26 (bench/beds/plan.py). */
export interface SmbPersona {
  name: string;
  labHost: string;
  role: string;
  ns: string;
  cidr: string;
  addresses: number;
  first: string;
  last: string;
  scanIf: string;
  scanIp: string;
  peerIp: string;
  ttl: number;
  ports: number[];
  daemon: string;
  expected: { smb1: string; ms17_010: string; doublepulsar: string };
  dialects: string[];
  signing: string;
}

export interface BedTruth {
  ns: string;
  targets: string;
  ports: string;
  probes: number;
  rtt: string;
  open: [string, number][];
  alive?: number;
  silent?: number;
  silentPct?: number;
  rstNet?: string;
  blocks?: string[];
  personas?: SmbPersona[];
  samba?: string;
  /** bed F: the scanner's own link into the bridge */
  scanIf?: string;
}

export interface Truth {
  seed: number;
  generated: string;
  link: { scanIf: string; scanIp: string; tgtMac: string; tunScan: string };
  beds: Record<BedName, BedTruth>;
}

export function readTruth(state: string): Truth {
  return JSON.parse(readFileSync(path.join(state, 'truth.json'), 'utf8')) as Truth;
}

/** The addresses of one IPv4 target spec of truth.json (an address or a CIDR block; host bits ignored, as nmap does). */
export function v4Block(spec: string): Ipv4Range {
  const set = rangeSetFromSpecs([spec]);
  const r = set.v4[0];
  if (r === undefined || set.v4.length !== 1 || set.v6.length !== 0) throw new Error(`bad IPv4 block ${spec}`);
  return r;
}

/** Every address of a persona's block, in order. */
export function personaAddresses(p: SmbPersona): string[] {
  const { start, end } = v4Block(p.cidr);
  const out: string[] = [];
  for (let n = start; n <= end; n++) out.push(formatIPv4(n));
  return out;
}
