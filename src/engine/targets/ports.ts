// TCP port specifications: `parsePorts("ransomware,8080,top:100")`.
//
// Syntax (comma-separated items, whitespace around items ignored, names case-insensitive):
//   80            one port                  1-1024   range (inclusive)
//   -100          1-100                     60000-   60000-65535
//   - or all      1-65535
//   ransomware, smb, rdp, common            named sets (below)
//   top:N or topN N most frequently open TCP ports per the system's nmap-services
// Result: unique ports in ascending order. Port 0 (reserved, RFC 6335 §6) and ports above 65535
// are refused, as are reversed ranges; every PortSpecError names the offending item.
//
// Data sources and licences:
//  - `ransomware`, `smb`, `rdp` and `common` are our own curated lists, written for this project
//    and released under its MIT licence. Port numbers and the service names quoted in the
//    comments are facts from the IANA Service Name and Transport Protocol Port Number Registry
//    (https://www.iana.org/assignments/service-names-port-numbers), plus widely documented
//    de-facto uses (noted as such) where IANA's name differs from what runs there in practice.
//  - `top:N` uses nmap's open-frequency data from the nmap-services file, which is under the
//    Nmap Public Source License and therefore NOT bundled here. It is read at runtime from the
//    user's own nmap installation: $PERISAI_NMAP_SERVICES, /usr/share/nmap/nmap-services or
//    /usr/local/share/nmap/nmap-services. Ranking: TCP entries by frequency, highest first, ties
//    by lower port first; this reproduces `nmap --top-ports N` exactly (checked against nmap 7.93
//    for N = 1000 and for many N that cut through a run of equal frequencies).

import { readFileSync } from 'node:fs';
import { PortSpecError, quote } from './errors.js';

export const MIN_PORT = 1;
export const MAX_PORT = 65535;

/**
 * WannaCry-style exposure: what ransomware uses to spread and to get in.
 *   135  epmap         MS-RPC endpoint mapper: DCOM/WMI remote execution, PsExec-style lateral movement
 *   137  netbios-ns    NetBIOS name service (RFC 1001/1002). Mostly UDP; the TCP port is registered
 *   138  netbios-dgm   NetBIOS datagram service, likewise; both kept so a TCP-only sweep reports
 *                     hosts that still expose legacy NetBIOS over TCP
 *   139  netbios-ssn   NetBIOS session service: SMB over NetBIOS, reaches the same SMBv1 code as 445
 *   445  microsoft-ds  SMB direct: EternalBlue / MS17-010, WannaCry's and NotPetya's propagation port
 *   3389 ms-wbt-server RDP: brute-forced or BlueKeep-exploited (CVE-2019-0708) ransomware entry point
 *   5985 wsman         WinRM over HTTP: remote PowerShell used for lateral movement
 *   5986 wsmans        WinRM over HTTPS
 */
export const RANSOMWARE_PORTS: readonly number[] = Object.freeze([135, 137, 138, 139, 445, 3389, 5985, 5986]);
/** SMB: NetBIOS session service and SMB direct. */
export const SMB_PORTS: readonly number[] = Object.freeze([139, 445]);
/** Remote Desktop Protocol. */
export const RDP_PORTS: readonly number[] = Object.freeze([3389]);

/**
 * Our own `common` list: well-known TCP services worth an inventory on an enterprise network,
 * with the IANA service name (or, marked "de facto", the common real-world use).
 */
export const COMMON_PORTS: ReadonlyArray<readonly [port: number, service: string]> = Object.freeze([
  [20, 'ftp-data'], [21, 'ftp'], [22, 'ssh'], [23, 'telnet'], [25, 'smtp'], [49, 'tacacs'],
  [53, 'domain'], [79, 'finger'], [80, 'http'], [88, 'kerberos'], [102, 'iso-tsap (Siemens S7)'],
  [110, 'pop3'], [111, 'sunrpc'], [113, 'ident'], [119, 'nntp'], [135, 'epmap'],
  [137, 'netbios-ns'], [138, 'netbios-dgm'], [139, 'netbios-ssn'], [143, 'imap'], [179, 'bgp'],
  [389, 'ldap'], [427, 'svrloc'], [443, 'https'], [445, 'microsoft-ds'], [464, 'kpasswd'],
  [465, 'submissions'], [502, 'mbap (Modbus/TCP)'], [512, 'exec'], [513, 'login'], [514, 'shell'],
  [515, 'printer'], [543, 'klogin'], [544, 'kshell'], [548, 'afpovertcp'], [554, 'rtsp'],
  [587, 'submission'], [593, 'http-rpc-epmap'], [631, 'ipp'], [636, 'ldaps'], [873, 'rsync'],
  [902, 'de facto: VMware ESXi authd'], [989, 'ftps-data'], [990, 'ftps'], [992, 'telnets'],
  [993, 'imaps'], [995, 'pop3s'], [1080, 'socks'], [1099, 'rmiregistry'], [1194, 'openvpn'],
  [1433, 'ms-sql-s'], [1434, 'ms-sql-m'], [1521, 'de facto: Oracle TNS listener'], [1723, 'pptp'],
  [1883, 'mqtt'], [2000, 'cisco-sccp'], [2049, 'nfs'], [2181, 'de facto: ZooKeeper'],
  [2375, 'docker'], [2376, 'docker-s'], [2379, 'etcd-client'], [3128, 'de facto: Squid proxy'],
  [3260, 'iscsi-target'], [3268, 'msft-gc'], [3269, 'msft-gc-ssl'], [3306, 'mysql'],
  [3389, 'ms-wbt-server'], [3690, 'svn'], [4369, 'epmd'], [4786, 'smart-install'], [5060, 'sip'],
  [5061, 'sips'], [5432, 'postgresql'], [5555, 'de facto: Android ADB'], [5672, 'amqp'],
  [5800, 'de facto: VNC over HTTP'], [5900, 'rfb (VNC)'], [5985, 'wsman'], [5986, 'wsmans'],
  [6000, 'x11'], [6379, 'redis'], [6443, 'de facto: Kubernetes API'], [6667, 'ircu'],
  [7001, 'de facto: WebLogic'], [8000, 'de facto: HTTP alternate'], [8008, 'http-alt'],
  [8009, 'de facto: AJP (Tomcat)'], [8080, 'http-alt'], [8081, 'de facto: HTTP alternate'],
  [8086, 'de facto: InfluxDB'], [8443, 'de facto: HTTPS alternate'], [8883, 'secure-mqtt'],
  [8888, 'de facto: HTTP alternate'], [9000, 'de facto: HTTP / PHP-FPM'], [9042, 'de facto: Cassandra CQL'],
  [9090, 'de facto: HTTP (Prometheus, Cockpit)'], [9092, 'de facto: Kafka'], [9100, 'pdl-datastream (JetDirect)'],
  [9200, 'de facto: Elasticsearch'], [9418, 'git'], [10000, 'de facto: Webmin'], [10250, 'de facto: kubelet'],
  [11211, 'memcache'], [20000, 'dnp3'], [27017, 'mongodb'], [44818, 'EtherNet-IP-2'],
] as const);

/** Named sets usable in a port spec (besides top:N). */
export const NAMED_PORT_SETS: Readonly<Record<string, readonly number[]>> = Object.freeze({
  ransomware: RANSOMWARE_PORTS,
  smb: SMB_PORTS,
  rdp: RDP_PORTS,
  common: Object.freeze(COMMON_PORTS.map(([p]) => p)),
});

export const NMAP_SERVICES_ENV = 'PERISAI_NMAP_SERVICES';
export const NMAP_SERVICES_PATHS: readonly string[] = Object.freeze([
  '/usr/share/nmap/nmap-services',
  '/usr/local/share/nmap/nmap-services',
]);

export interface PortOptions {
  /** Explicit nmap-services path (overrides the environment and the default paths). */
  readonly nmapServicesPath?: string;
  /** Environment to read PERISAI_NMAP_SERVICES from (default process.env). */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

function readable(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

const rankedCache = new Map<string, readonly number[]>();

/**
 * Rank the TCP entries of an nmap-services text: frequency descending, then port ascending.
 * Lines: "name<TAB>port/proto<TAB>frequency[<TAB># comment]".
 */
export function rankNmapServices(text: string): number[] {
  const freq = new Map<number, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const fields = line.split(/\s+/);
    const m = /^(\d+)\/tcp$/.exec(fields[1] ?? '');
    if (!m) continue;
    const port = Number(m[1]);
    if (port < MIN_PORT || port > MAX_PORT) continue;
    const f = Number(fields[2]);
    const value = Number.isFinite(f) ? f : 0;
    if (!freq.has(port) || value > (freq.get(port) as number)) freq.set(port, value);
  }
  return [...freq.entries()].sort((x, y) => y[1] - x[1] || x[0] - y[0]).map(([p]) => p);
}

/** Locate nmap-services; returns the path tried and its text, or throws a PortSpecError. */
function loadNmapServices(token: string, opts: PortOptions): { path: string; ranked: readonly number[] } {
  const env = opts.env ?? process.env;
  const candidates = opts.nmapServicesPath !== undefined
    ? [opts.nmapServicesPath]
    : [...(env[NMAP_SERVICES_ENV] ? [env[NMAP_SERVICES_ENV] as string] : []), ...NMAP_SERVICES_PATHS];
  for (const path of candidates) {
    const cached = rankedCache.get(path);
    if (cached) return { path, ranked: cached };
    const text = readable(path);
    if (text === null) continue;
    const ranked = Object.freeze(rankNmapServices(text));
    if (ranked.length === 0) {
      throw new PortSpecError(token, `${quote(token)}: ${path} contains no TCP entries with frequencies`);
    }
    rankedCache.set(path, ranked);
    return { path, ranked };
  }
  throw new PortSpecError(
    token,
    `${quote(token)} needs nmap's port frequency table (nmap-services), which Perisai does not ` +
      `ship for licence reasons; looked in ${candidates.join(', ')}. Install nmap-common (or nmap) ` +
      `or set ${NMAP_SERVICES_ENV} to the file's path, or use the 'common' set instead.`,
  );
}

/** The `n` most frequently open TCP ports, most frequent first (nmap --top-ports order). */
export function topPorts(n: number, opts: PortOptions = {}): number[] {
  const token = `top:${n}`;
  const { path, ranked } = loadNmapServices(token, opts);
  if (!Number.isInteger(n) || n < 1 || n > ranked.length) {
    throw new PortSpecError(token, `${quote(token)}: N must be from 1 to ${ranked.length} (TCP entries in ${path})`);
  }
  return ranked.slice(0, n);
}

function parsePortNumber(item: string, text: string): number {
  if (!/^\d{1,5}$/.test(text)) {
    throw new PortSpecError(item, `${quote(item)}: ${quote(text)} is not a port number`);
  }
  const p = Number(text);
  if (p === 0) {
    throw new PortSpecError(item, `${quote(item)}: port 0 is reserved and cannot be scanned`);
  }
  if (p > MAX_PORT) {
    throw new PortSpecError(item, `${quote(item)}: port ${p} is above ${MAX_PORT}`);
  }
  return p;
}

/**
 * Parse a port specification into unique ports, ascending.
 * Throws PortSpecError naming the offending item.
 */
export function parsePorts(spec: string, opts: PortOptions = {}): number[] {
  if (spec.trim() === '') throw new PortSpecError(spec, 'empty port specification');
  const seen = new Uint8Array(MAX_PORT + 1);
  const add = (lo: number, hi: number): void => {
    seen.fill(1, lo, hi + 1);
  };
  for (const raw of spec.split(',')) {
    const item = raw.trim();
    if (item === '') {
      throw new PortSpecError(spec, `${quote(spec)} has an empty item (check for doubled or trailing commas)`);
    }
    const lower = item.toLowerCase();
    const named = Object.hasOwn(NAMED_PORT_SETS, lower) ? NAMED_PORT_SETS[lower] : undefined;
    if (named) {
      for (const p of named) seen[p] = 1;
      continue;
    }
    if (lower === 'all' || lower === '-') {
      add(MIN_PORT, MAX_PORT);
      continue;
    }
    const top = /^top(?::|-)?(.*)$/.exec(lower);
    if (top) {
      const nText = top[1] ?? '';
      if (!/^[1-9]\d{0,4}$/.test(nText)) {
        throw new PortSpecError(item, `${quote(item)}: expected top:N with N a positive whole number`);
      }
      const { path, ranked } = loadNmapServices(item, opts);
      const n = Number(nText);
      if (n > ranked.length) {
        throw new PortSpecError(item, `${quote(item)}: ${path} only ranks ${ranked.length} TCP ports`);
      }
      for (let k = 0; k < n; k++) seen[ranked[k] as number] = 1;
      continue;
    }
    const dash = item.indexOf('-');
    if (dash !== -1) {
      const a = item.slice(0, dash).trim();
      const b = item.slice(dash + 1).trim();
      const lo = a === '' ? MIN_PORT : parsePortNumber(item, a);
      const hi = b === '' ? MAX_PORT : parsePortNumber(item, b);
      if (hi < lo) throw new PortSpecError(item, `${quote(item)} is a reversed range (${lo} > ${hi})`);
      add(lo, hi);
      continue;
    }
    if (/^\d+$/.test(item)) {
      seen[parsePortNumber(item, item)] = 1;
      continue;
    }
    throw new PortSpecError(
      item,
      `${quote(item)} is not a port, range (a-b, -b, a-), 'all', top:N or a named set ` +
        `(${Object.keys(NAMED_PORT_SETS).join(', ')})`,
    );
  }
  const out: number[] = [];
  for (let p = MIN_PORT; p <= MAX_PORT; p++) if (seen[p] === 1) out.push(p);
  return out;
}

/** Compact text of a port list, nmap style: "21-23,80,443". Input need not be sorted. */
export function formatPorts(ports: readonly number[]): string {
  const sorted = [...new Set(ports)].sort((x, y) => x - y);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === (sorted[j] as number) + 1) j++;
    parts.push(i === j ? String(sorted[i]) : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}
