// Check verdicts and host facts as nmap-style script results, for the XML (<hostscript>) and table ("Host
// script results") formats. Where nmap has a script for the same question its id is used, so tools that
// read nmap's smb-vuln-ms17-010 or smb-os-discovery output find ours in the same place; the rest are
// perisai-<check>. nmap's vulns library writes "State: VULNERABLE" / "NOT VULNERABLE"; we add "UNKNOWN",
// which nmap has no word for (it reports an unchecked host as not vulnerable: the gap Perisai closes).
import type { CheckLine, HostResult } from '../types.js';

export interface ScriptResult {
  readonly id: string;
  /** Human text, possibly several lines. */
  readonly output: string;
  /** Structured values: nmap's <elem key="…">value</elem>. */
  readonly elems: readonly (readonly [string, string])[];
}

const NMAP_IDS: Readonly<Record<string, string>> = {
  'ms17-010': 'smb-vuln-ms17-010',
  doublepulsar: 'smb-double-pulsar-backdoor',
};

const STATE_WORD = { vulnerable: 'VULNERABLE', 'not-vulnerable': 'NOT VULNERABLE', unknown: 'UNKNOWN' } as const;

function flat(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

/** Facts first (OS, dialects, signing), then one script per check verdict. */
export function hostScripts(h: HostResult, checks: readonly CheckLine[]): ScriptResult[] {
  const out: ScriptResult[] = [];
  if (h.os) {
    const o = h.os;
    const lines = [`OS: ${o.name}`];
    if (o.netbiosName) lines.push(`NetBIOS computer name: ${o.netbiosName}`);
    if (o.dnsName) lines.push(`FQDN: ${o.dnsName}`);
    if (o.domain) lines.push(`Domain name: ${o.domain}`);
    if (o.eol !== undefined) lines.push(`End of support: ${o.eol ? 'yes' : 'no'}`);
    if (o.wannacryRisk !== undefined) lines.push(`WannaCry-era release: ${o.wannacryRisk ? 'yes' : 'no'}`);
    out.push({
      id: 'smb-os-discovery',
      output: lines.join('\n'),
      elems: [
        ['os', o.name],
        ['source', o.source],
        ...(o.build !== undefined ? ([['build', String(o.build)]] as const) : []),
        ...(o.netbiosName ? ([['netbios_computer', o.netbiosName]] as const) : []),
        ...(o.dnsName ? ([['fqdn', o.dnsName]] as const) : []),
        ...(o.domain ? ([['domain', o.domain]] as const) : []),
        ...(o.eol !== undefined ? ([['eol', String(o.eol)]] as const) : []),
      ],
    });
  }
  if (h.smb) {
    const s = h.smb;
    out.push({
      id: 'smb-protocols',
      output: `dialects: ${s.dialects.join(', ') || '(none)'}${s.dialectsExact ? '' : ' (incomplete)'}\nSMBv1: ${s.smbv1 === null ? 'unknown' : s.smbv1 ? 'enabled' : 'disabled'}\nsigning: ${s.signing}`,
      elems: [
        ['dialects', s.dialects.join(',')],
        ['smbv1', s.smbv1 === null ? 'unknown' : String(s.smbv1)],
        ['signing', s.signing],
      ],
    });
  }
  // One script per check, like nmap's host-rule scripts: a check that ran on several ports (445 and 139) is
  // merged, its state the worst of them (vulnerable > unknown > not-vulnerable). ndiff also needs the ids
  // of a host's scripts to be unique.
  const byCheck = new Map<string, CheckLine[]>();
  for (const c of checks) {
    const l = byCheck.get(c.check);
    if (l) l.push(c);
    else byCheck.set(c.check, [c]);
  }
  for (const [check, list] of byCheck) {
    const id = NMAP_IDS[check] ?? `perisai-${check}`;
    const state = list.some((c) => c.state === 'vulnerable') ? 'vulnerable' : list.some((c) => c.state === 'unknown') ? 'unknown' : 'not-vulnerable';
    const first = list[0]!;
    const lines = [first.title, `State: ${STATE_WORD[state]}`];
    const elems: [string, string][] = [
      ['check', check],
      ['state', state],
      ['severity', first.severity],
    ];
    for (const c of list) {
      const where = c.port !== undefined ? `port ${c.port}` : 'host';
      lines.push(list.length > 1 || c.port !== undefined ? `${where}: ${STATE_WORD[c.state]}: ${c.reason}` : `Reason: ${c.reason}`);
      const k = c.port !== undefined ? `port.${c.port}` : 'host';
      elems.push([`${k}.state`, c.state], [`${k}.reason_code`, c.reasonCode], [`${k}.reason`, c.reason]);
      for (const [ek, v] of Object.entries(c.evidence)) {
        const text = flat(v);
        if (text !== '') elems.push([`${k}.evidence.${ek}`, text.length > 512 ? `${text.slice(0, 509)}...` : text]);
      }
    }
    out.push({ id, output: lines.join('\n'), elems });
  }
  return out;
}
