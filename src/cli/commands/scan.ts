// `perisai scan`: the command's options, help and profiles. Light on purpose: only commander and a few
// constants, so `perisai scan --help` starts in a tenth of a second; the engine, the output writers and the
// checks load when a scan runs (scan-run.ts, imported by the action).
import { Command, Option } from 'commander';
import { OUTPUT_FORMATS, type OutputFormat } from '../../engine/output/sink.js';
import type { SocketLayer } from '../../engine/net/connector.js';
import { DEFAULT_BANNER_OPTIONS } from '../../engine/banner/grab.js';
import { splitSpecList } from '../../engine/targets/spec.js';
import { DEFAULT_SPEC_FILE_LIMITS } from '../../engine/targets/spec-file.js';
import { usageError } from '../errors.js';

export interface ScanCliOptions {
  ports: string;
  inputList?: string;
  exclude: string[];
  excludeFile?: string;
  scope: string[];
  scopeFile?: string;
  format: OutputFormat;
  output?: string;
  allStates: boolean;
  maxRate?: number;
  timeout: number;
  minTimeout: number;
  retries: number;
  window: number;
  hostInflight?: number;
  banners: boolean;
  bannerTimeout: number;
  socketLayer: SocketLayer;
  seed?: number;
  yes: boolean;
  progress: boolean;
  quiet: boolean;
  checks: string[];
  profile?: 'ransomware';
  checkTimeout: number;
  checkConcurrency: number;
  /** Limits of -iL, --exclude-file and --scope-file (engine/targets/spec-file.ts). */
  maxListLines: number;
  maxListMb: number;
}

/** Named scan profiles: a port set plus a check selection. */
export const PROFILES = {
  ransomware: { ports: 'ransomware', checks: ['ransomware'] },
} as const;

function intArg(name: string, min: number, max: number): (v: string) => number {
  return (v: string) => {
    if (!/^\d+$/.test(v.trim())) throw usageError(`${name}: '${v}' is not a whole number`);
    const n = Number(v);
    if (n < min || n > max) throw usageError(`${name}: ${v} is out of range (${min}-${max})`);
    return n;
  };
}

const collect = (v: string, prev: string[]): string[] => [...prev, ...splitSpecList(v)];

export const SCAN_EXAMPLES = `
Examples:
  perisai scan 127.0.0.1 -p top:1000
  perisai scan 10.20.0.0/16 --scope 10.20.0.0/16 -p ransomware --format jsonl -o opd-dinkes.jsonl
  perisai scan -iL hosts.txt --exclude 10.20.5.1 -p 139,445,3389 --format xml -o scan.xml
  perisai scan 10.20.1-3.1-254 -p smb --max-rate 500 --host-inflight 4   (gentle: printers, CCTV)
  perisai scan puskesmas-01.kota.go.id -p all --all-states --format csv -o host.csv
  perisai scan 10.20.0.0/16 --scope 10.20.0.0/16 --profile ransomware --format jsonl -o exposure.jsonl
  perisai scan 10.20.5.0/24 -p 445 --checks ms17-010,doublepulsar

Ports: lists and ranges (22,80,1000-2000, -1024, 60000-), all, top:N (nmap's frequency
ranking, read from the system's nmap-services), and named sets: ransomware (135,137-139,445,
3389,5985,5986), smb (139,445), rdp (3389), common (our curated list).

Checks (--checks, --profile ransomware): smbv1, smb-signing, ms17-010, doublepulsar, smb-os-eol,
rdp-exposed, netbios-ns; tags smb, rdp, netbios, ransomware. Verdicts are vulnerable, not-vulnerable or
unknown (could not be checked: never reported as safe), each with a reason and evidence.

Scope: without --scope/--scope-file only the addresses named on the command line are scanned.
With a scope, a target outside it refuses the whole scan (exit 3); nothing is sent.

Exit codes: 0 done, 1 internal error, 2 bad input (nothing scanned), 3 outside scope (nothing
scanned), 4 results could not be written, 130 interrupted (results so far were written).`;

/** The runner, loaded on first use (tests may pass their own). */
export type ScanRunner = (targets: string[], o: ScanCliOptions, argv: string[]) => Promise<number>;

const runFromModule: ScanRunner = async (targets, o, argv) => (await import('./scan-run.js')).runScanCommand(targets, o, argv);

export function scanCommand(run: ScanRunner = runFromModule): Command {
  return new Command('scan')
    .description('TCP connect scan of targets (IPs, CIDRs, ranges, hostnames), with banners and a service guess')
    .argument('[targets...]', 'IPv4/IPv6 addresses, CIDR blocks, ranges (10.0.0.5-40, 10.0.1-3.1-254), hostnames')
    .option('-p, --ports <spec>', 'ports to scan', 'ransomware')
    .option('--input-list <file>', 'read targets from a file (one or more per line, # comments); -iL FILE works too')
    .option('--exclude <specs>', 'addresses/ranges/names to leave out (comma-separated; repeatable)', collect, [])
    .option('--exclude-file <file>', 'read excludes from a file')
    .option('--scope <specs>', 'allow-list: only these may be scanned (comma-separated; repeatable)', collect, [])
    .option('--scope-file <file>', 'read the allow-list from a file (env PERISAI_SCOPE_FILE)')
    .addOption(new Option('--max-list-lines <n>', 'most lines (and entries) in one -iL, exclude or scope file').argParser(intArg('--max-list-lines', 1, 100_000_000)).env('PERISAI_MAX_LIST_LINES').default(DEFAULT_SPEC_FILE_LIMITS.maxLines))
    .addOption(new Option('--max-list-mb <n>', 'largest -iL, exclude or scope file, in MiB').argParser(intArg('--max-list-mb', 1, 4096)).env('PERISAI_MAX_LIST_MB').default(DEFAULT_SPEC_FILE_LIMITS.maxBytes / (1024 * 1024)))
    .addOption(new Option('-f, --format <format>', 'output format').choices(OUTPUT_FORMATS).default('table'))
    .option('-o, --output <file>', 'write results to a file instead of stdout')
    .option('--all-states', 'also report closed and filtered ports', false)
    .option('--max-rate <n>', 'at most N probes per second (politeness)', intArg('--max-rate', 1, 10_000_000))
    .option('--timeout <ms>', 'initial and maximum connect timeout', intArg('--timeout', 10, 60_000), 1000)
    .option('--min-timeout <ms>', 'floor of the adaptive timeout', intArg('--min-timeout', 1, 60_000), 100)
    .option('--retries <n>', 'retries after a timeout (a RST is never retried)', intArg('--retries', 0, 10), 1)
    .option('--window <n>', 'maximum probes in flight (clamped to the open-file limit)', intArg('--window', 1, 1_000_000), 4096)
    .option('--host-inflight <n>', 'maximum probes in flight to one host (fragile devices)', intArg('--host-inflight', 1, 1_000_000))
    .option('--no-banners', 'do not grab banners on open ports')
    .option('--banner-timeout <ms>', 'time budget per open port for the banner', intArg('--banner-timeout', 50, 60_000), DEFAULT_BANNER_OPTIONS.totalMs)
    .addOption(new Option('--socket-layer <layer>', 'socket layer for the port stage').choices(['auto', 'tcp_wrap', 'net']).default('auto'))
    .option('--seed <n>', 'seed of the probe order (repeatable scans)', intArg('--seed', 0, Number.MAX_SAFE_INTEGER))
    .option('--checks <list>', 'run exposure checks on open SMB/RDP ports: ids, tags or categories (smb, rdp, ransomware, ms17-010, …; repeatable)', collect, [])
    .addOption(new Option('--profile <name>', 'ransomware = the ransomware port set and every check').choices(Object.keys(PROFILES)))
    .option('--check-timeout <ms>', 'deadline of each check conversation', intArg('--check-timeout', 100, 120_000), 5000)
    .option('--check-concurrency <n>', 'hosts checked at once', intArg('--check-concurrency', 1, 4096), 64)
    .option('-y, --yes', 'confirm scans larger than a /16', false)
    .option('--no-progress', 'no progress bar (it is shown only on a terminal anyway)')
    .option('-q, --quiet', 'no notes or warnings on stderr', false)
    .addHelpText('after', SCAN_EXAMPLES)
    .action(async function (this: Command, targets: string[]) {
      const o = this.opts<ScanCliOptions>();
      if (o.profile) {
        const p = PROFILES[o.profile];
        // a profile fills in what the user did not say; explicit -p / --checks win
        if (this.getOptionValueSource('ports') === 'default') o.ports = p.ports;
        if (o.checks.length === 0) o.checks = [...p.checks];
      }
      const code = await run(targets, o, process.argv.slice(2));
      process.exitCode = code;
    });
}
