// nmap's -oX output as beds E and G read it: the open ports per address, and what nmap's six SMB scripts decide
// there, in the ground truth's vocabulary (bench/README.md, "Bed E: SMB personas", the table of facts). The XML
// is read by an XML parser (xmldoc, over sax): entities, attribute order and nesting are its business, not a
// regular expression's.
import { XmlDocument } from 'xmldoc';
import type { XmlElement } from 'xmldoc';
import type { Facts } from './smb-verdicts.js';

/** One `<host>` of nmap's XML: its open TCP ports, and its scripts by id (host and port scripts; the last of an id wins). */
export interface NmapHost {
  open: number[];
  scripts: Map<string, XmlElement>;
}

/**
 * The hosts of an nmap -oX document by IPv4 address. Throws on a document that is not well-formed, and on one
 * nmap did not finish (killed while writing it): nmap writes `<runstats><finished …/>` after the last host, and
 * the parser (xmldoc) keeps whatever elements it read from a document cut short, so without that element a
 * host read may be missing its ports or scripts. The caller reports such an output as unparsable.
 */
export function parseNmapXml(text: string): Map<string, NmapHost> {
  const doc = new XmlDocument(text);
  if (doc.name !== 'nmaprun' || doc.childNamed('runstats')?.childNamed('finished') === undefined)
    throw new Error('not a finished nmap run (no <nmaprun> with <runstats><finished>): cut short?');
  const hosts = new Map<string, NmapHost>();
  for (const h of doc.childrenNamed('host')) {
    const ip = h.childrenNamed('address').find((a) => a.attr['addrtype'] === 'ipv4')?.attr['addr'];
    if (!ip) continue;
    const open = (h.childNamed('ports')?.childrenNamed('port') ?? [])
      .filter((p) => p.attr['protocol'] === 'tcp' && p.childNamed('state')?.attr['state'] === 'open')
      .map((p) => Number(p.attr['portid']));
    const scripts = new Map<string, XmlElement>();
    for (const s of h.descendantsNamed('script')) {
      const id = s.attr['id'];
      if (id) scripts.set(id, s);
    }
    hosts.set(ip, { open, scripts });
  }
  return hosts;
}

/** The texts of a script's `<elem>`s: those with the key `key`, or without `key` those that have none. */
function elems(el: XmlElement, key?: string): string[] {
  return el.descendantsNamed('elem')
    .filter((e) => (key === undefined ? Object.keys(e.attr).length === 0 : e.attr['key'] === key))
    .map((e) => e.val.trim());
}

/** nmap's smb-protocols names ("NT LM 0.12 (SMBv1) [dangerous, but default]", "202", "311") in Perisai's spelling. */
function nmapDialect(d: string): string {
  if (d.startsWith('NT LM 0.12')) return 'NT LM 0.12';
  const m = /^(\d)[.:]?(\d)[.:]?(\d)$/.exec(d.replace(/\s.*$/, ''));
  return m ? `${m[1]}.${m[2]}${m[3] === '0' ? '' : `.${m[3]}`}` : d;
}

/**
 * What nmap decides per address. smbv1/dialects: from smb-protocols; signing: smb-security-mode (SMB1) and
 * smb2-security-mode (required only if every mode it reports is required); ms17-010 and doublepulsar: only
 * where smb-protocols lists NT LM 0.12 (both scripts say NOT VULNERABLE when they cannot speak SMB1).
 */
export function nmapFacts(scripts: Map<string, XmlElement>): Facts {
  const f: Facts = {};
  const protocols = scripts.get('smb-protocols');
  let smb1 = false;
  if (protocols !== undefined) {
    const table = protocols.descendantsNamed('table').find((t) => t.attr['key'] === 'dialects');
    const ds = table ? elems(table).map(nmapDialect) : [];
    if (ds.length) {
      smb1 = ds.includes('NT LM 0.12');
      f.smbv1 = smb1 ? 'enabled' : 'disabled';
      f.dialects = [...ds].sort().join(', ');
    }
  }
  const modes: string[] = [];
  const s1 = scripts.get('smb-security-mode');
  if (s1 !== undefined) modes.push(...elems(s1, 'message_signing').map((m) => (m === 'required' ? 'required' : 'not-required')));
  const s2 = scripts.get('smb2-security-mode');
  if (s2 !== undefined) modes.push(...elems(s2).map((m) => (/enabled and required/i.test(m) ? 'required' : 'not-required')));
  if (modes.length) f.signing = modes.every((m) => m === 'required') ? 'required' : 'not-required';
  const state = (id: string): string | undefined => {
    const el = scripts.get(id);
    return el === undefined ? undefined : elems(el, 'state')[0];
  };
  if (smb1) {
    const ms = state('smb-vuln-ms17-010');
    if (ms !== undefined) f['ms17-010'] = ms === 'VULNERABLE' ? 'vulnerable' : ms === 'NOT VULNERABLE' ? 'not-vulnerable' : ms.toLowerCase();
    const dp = state('smb-double-pulsar-backdoor');
    if (dp !== undefined) f.doublepulsar = dp === 'VULNERABLE' ? 'detected' : dp === 'NOT VULNERABLE' ? 'not-detected' : dp.toLowerCase();
  }
  return f;
}
