// Bed E and G's verdicts per address in the ground truth's vocabulary (bench/README.md, "Bed E: SMB personas"):
// Perisai's JSONL read into facts, the ground truth's facts of a persona, and the agreement table of Perisai,
// nmap (bench/nmap-xml.ts reads its facts) and the truth.
import { personaAddresses } from './truth.js';
import type { SmbPersona } from './truth.js';

export type SmbFact = 'smbv1' | 'dialects' | 'signing' | 'ms17-010' | 'doublepulsar';
export const SMB_FACTS: readonly SmbFact[] = ['smbv1', 'dialects', 'signing', 'ms17-010', 'doublepulsar'];

/** One persona × fact: Perisai against the ground truth (worst run), nmap where it decides, and the two tools against each other. */
export interface FactAgreement {
  expected: string;
  addresses: number;
  perisaiOk: number;
  nmapScanned: number;
  nmapDecided: number;
  nmapOk: number;
  agree: number;
  examples: string[];
}

export interface SmbAgreement {
  perisaiRuns: number;
  nmapRun: string | null;
  personas: { name: string; cidr: string; daemon: string; addresses: number; facts: Record<SmbFact, FactAgreement> }[];
  totals: { perisaiOk: number; perisaiOf: number; nmapDecided: number; agree: number; nmapOk: number };
}

export type Facts = Partial<Record<SmbFact, string>>;

/** Perisai's JSONL: check verdicts (port 445's line first) and the host line's SMB facts, per address. */
export function perisaiFacts(text: string): Map<string, Facts> {
  const checks = new Map<string, Map<string, { port: number; state: string }>>();
  const hostSmb = new Map<string, { dialects?: unknown }>();
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    let o: { type?: unknown; ip?: unknown; port?: unknown; check?: unknown; state?: unknown; smb?: unknown };
    try {
      o = JSON.parse(line) as typeof o;
    } catch {
      continue;
    }
    if (typeof o.ip !== 'string') continue;
    if (o.type === 'check' && typeof o.check === 'string' && typeof o.state === 'string') {
      const m = checks.get(o.ip) ?? new Map<string, { port: number; state: string }>();
      const port = typeof o.port === 'number' ? o.port : 0;
      const prev = m.get(o.check);
      if (!prev || (port === 445 && prev.port !== 445)) m.set(o.check, { port, state: o.state });
      checks.set(o.ip, m);
    } else if (o.type === 'host' && o.smb && typeof o.smb === 'object') hostSmb.set(o.ip, o.smb as { dialects?: unknown });
  }
  const out = new Map<string, Facts>();
  for (const ip of new Set([...checks.keys(), ...hostSmb.keys()])) {
    const f: Facts = {};
    const ds = hostSmb.get(ip)?.dialects;
    if (Array.isArray(ds) && ds.length) {
      const list = ds.filter((d): d is string => typeof d === 'string');
      f.smbv1 = list.includes('NT LM 0.12') ? 'enabled' : 'disabled';
      f.dialects = [...list].sort().join(', ');
    }
    const c = checks.get(ip);
    const sg = c?.get('smb-signing')?.state;
    if (sg) f.signing = sg === 'vulnerable' ? 'not-required' : sg === 'not-vulnerable' ? 'required' : sg;
    const ms = c?.get('ms17-010')?.state;
    if (ms) f['ms17-010'] = ms;
    const dp = c?.get('doublepulsar')?.state;
    if (dp) f.doublepulsar = dp === 'vulnerable' ? 'detected' : dp === 'not-vulnerable' ? 'not-detected' : dp;
    out.set(ip, f);
  }
  return out;
}

export function truthFacts(p: SmbPersona): Record<SmbFact, string> {
  return {
    smbv1: p.expected.smb1,
    dialects: [...p.dialects].sort().join(', '),
    signing: p.signing,
    'ms17-010': p.expected.ms17_010,
    doublepulsar: p.expected.doublepulsar,
  };
}

export function agreement(personas: SmbPersona[], perisaiRuns: Map<string, Facts>[], nmapRun: { label: string; facts: Map<string, Facts>; scanned: Set<string> } | null): SmbAgreement {
  const res: SmbAgreement = { perisaiRuns: perisaiRuns.length, nmapRun: nmapRun?.label ?? null, personas: [],
    totals: { perisaiOk: 0, perisaiOf: 0, nmapDecided: 0, agree: 0, nmapOk: 0 } };
  for (const p of personas) {
    const truth = truthFacts(p);
    const addrs = personaAddresses(p);
    const facts = {} as Record<SmbFact, FactAgreement>;
    for (const fact of SMB_FACTS) {
      const exp = truth[fact];
      const fa: FactAgreement = { expected: exp, addresses: addrs.length, perisaiOk: perisaiRuns.length ? addrs.length : 0, nmapScanned: 0,
        nmapDecided: 0, nmapOk: 0, agree: perisaiRuns.length && nmapRun ? Number.MAX_SAFE_INTEGER : 0, examples: [] };
      const decided = addrs.filter((a) => nmapRun?.facts.get(a)?.[fact] !== undefined);
      if (nmapRun) {
        fa.nmapScanned = addrs.filter((a) => nmapRun.scanned.has(a)).length;
        fa.nmapDecided = decided.length;
        fa.nmapOk = decided.filter((a) => nmapRun.facts.get(a)?.[fact] === exp).length;
        for (const a of decided) {
          const n = nmapRun.facts.get(a)?.[fact];
          if (n !== exp && fa.examples.length < 3) fa.examples.push(`${a} nmap ${n}`);
        }
      }
      perisaiRuns.forEach((run, i) => {
        let ok = 0;
        for (const a of addrs) {
          const got = run.get(a)?.[fact];
          if (got === exp) ok++;
          else if (fa.examples.length < 3) fa.examples.push(`${a} perisai ${got ?? 'missing'} (run ${i + 1})`);
        }
        fa.perisaiOk = Math.min(fa.perisaiOk, ok);
        if (nmapRun) {
          let same = 0;
          for (const a of decided) {
            const got = run.get(a)?.[fact];
            if (got === nmapRun.facts.get(a)?.[fact]) same++;
            else if (fa.examples.length < 3) fa.examples.push(`${a} perisai ${got ?? 'missing'} ≠ nmap ${nmapRun.facts.get(a)?.[fact]} (run ${i + 1})`);
          }
          fa.agree = Math.min(fa.agree, same);
        }
      });
      if (fa.agree === Number.MAX_SAFE_INTEGER) fa.agree = 0;
      facts[fact] = fa;
      res.totals.perisaiOk += fa.perisaiOk;
      res.totals.perisaiOf += fa.addresses;
      res.totals.nmapDecided += fa.nmapDecided;
      res.totals.agree += fa.agree;
      res.totals.nmapOk += fa.nmapOk;
    }
    res.personas.push({ name: p.name, cidr: p.cidr, daemon: p.daemon, addresses: addrs.length, facts });
  }
  return res;
}
