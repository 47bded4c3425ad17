// `perisai scan`, the part that runs: targets and ports from the command line, scope checked before anything is
// sent, results streamed to the chosen format. Everything that can be wrong with the input is found before the
// first probe. Loaded by commands/scan.ts only when a scan runs, so `perisai scan --help` and the other commands
// never load the engine (and the scan never loads the API, the store or the alerts).
import { createWriteStream, type WriteStream } from 'node:fs';
import {
  buildTargetSet,
  checkTargetsInScope,
  formatPorts,
  formatRange,
  parsePorts,
  planSize,
  Permutation,
  randomSeed,
  readSpecFile,
  Scope,
  SpecFileLimitError,
  splitSpecList,
  TargetSpecError,
  type SourcedToken,
} from '../../engine/targets/index.js';
import { createSink } from '../../engine/output/index.js';
import { runScan } from '../../engine/runner/scan.js';
import { DEFAULT_BANNER_OPTIONS } from '../../engine/banner/grab.js';
import { CheckSelectionError, listCheckMeta, selectChecks } from '../../engine/checks/index.js';
import { createProgressBar } from '../progress.js';
import { CliError, EXIT, usageError } from '../errors.js';
import { VERSION } from '../version.js';
import type { ScanCliOptions } from './scan.js';

interface Output {
  write(s: string): void;
  close(): Promise<void>;
  error(): Error | null;
}

/**
 * Output with coalesced writes: a /16 sweep emits 65,536 host lines, and one stream write per line costs a
 * Buffer and a write request each (measured: +40 MB peak RSS on bench bed B). Chunks are joined up to 64 KiB.
 */
function buffered(sink: (chunk: string) => void): { write(s: string): void; flush(): void } {
  let parts: string[] = [];
  let size = 0;
  const flush = (): void => {
    if (parts.length === 0) return;
    sink(parts.join(''));
    parts = [];
    size = 0;
  };
  return {
    write(s: string) {
      parts.push(s);
      size += s.length;
      if (size >= 65_536) flush();
    },
    flush,
  };
}

function openOutput(path: string | undefined): Promise<Output> {
  if (!path) {
    let err: Error | null = null;
    process.stdout.on('error', (e) => (err = e));
    const b = buffered((c) => {
      if (!err) process.stdout.write(c);
    });
    return Promise.resolve({
      write: b.write,
      close: () => {
        b.flush();
        return new Promise<void>((r) => (process.stdout.writableNeedDrain ? process.stdout.once('drain', () => r()) : r()));
      },
      error: () => err,
    });
  }
  return new Promise((resolve, reject) => {
    const ws: WriteStream = createWriteStream(path, { flags: 'w' });
    let err: Error | null = null;
    ws.once('error', (e) => {
      err = e;
      reject(new CliError(`cannot write ${path}: ${(e as NodeJS.ErrnoException).code ?? e.message}`, EXIT.OUTPUT));
    });
    ws.once('open', () => {
      ws.removeAllListeners('error');
      ws.on('error', (e) => (err ??= e));
      const b = buffered((c) => {
        if (!err) ws.write(c);
      });
      resolve({
        write: b.write,
        close: () =>
          new Promise<void>((r) => {
            b.flush();
            if (err) return r();
            ws.end(() => r());
          }),
        error: () => err,
      });
    });
  });
}

/** The option that raises each limit of a list file (spec-file.ts), for the error message. */
const LIMIT_OPTION = { lines: '--max-list-lines', bytes: '--max-list-mb' } as const;

async function readTokens(file: string, o: ScanCliOptions): Promise<SourcedToken[]> {
  try {
    return await readSpecFile(file, { maxLines: o.maxListLines, maxBytes: o.maxListMb * 1024 * 1024 });
  } catch (err) {
    if (err instanceof SpecFileLimitError && err.problem !== 'binary') throw usageError(`${err.message} (${LIMIT_OPTION[err.problem]})`);
    if (err instanceof TargetSpecError) throw err;
    throw usageError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

/** `into` with every item of `items` appended, one by one: a spread of a 200k-line file overflows the call stack. */
function append<T>(into: T[], items: readonly T[]): T[] {
  for (const item of items) into.push(item);
  return into;
}

export async function runScanCommand(targetArgs: string[], o: ScanCliOptions, argv: string[]): Promise<number> {
  const note = (m: string): void => {
    if (!o.quiet) process.stderr.write(`perisai: ${m}\n`);
  };
  // ---- input: everything is validated before the first probe
  const tokens: (string | SourcedToken)[] = targetArgs.flatMap((t) => splitSpecList(t));
  if (o.inputList) append(tokens, await readTokens(o.inputList, o));
  if (tokens.length === 0) throw usageError('no targets: give addresses, ranges or hostnames, or -iL FILE (see perisai scan --help)');
  const excludes: (string | SourcedToken)[] = [...o.exclude];
  if (o.excludeFile) append(excludes, await readTokens(o.excludeFile, o));
  if (o.minTimeout > o.timeout) throw usageError(`--min-timeout ${o.minTimeout} is above --timeout ${o.timeout}`);

  const ports = parsePorts(o.ports);
  if (o.checks.length > 0) {
    try {
      selectChecks(o.checks);
    } catch (err) {
      if (err instanceof CheckSelectionError) {
        const ids = listCheckMeta().map((m) => m.id);
        throw usageError(`${err.message}; known checks: ${ids.join(', ')}; tags: smb, rdp, netbios, ransomware`);
      }
      throw err;
    }
  }
  const targets = await buildTargetSet(tokens, { excludes });
  if (targets.size === 0) throw usageError('the excludes remove every target: nothing to scan');
  const plan = planSize(targets, ports);
  if (!plan.orderable) throw usageError(`the scan is too large (${plan.probes} probes); split it`);
  if (plan.exceedsSlash16 && !o.yes) {
    throw usageError(
      `this scan covers ${plan.hosts.toLocaleString('en-US')} hosts x ${plan.ports} ports = ${plan.probes.toLocaleString('en-US')} probes ` +
        `(more than a /16); add --yes to confirm`,
    );
  }

  // ---- scope, fail closed
  const scopeFile = o.scopeFile ?? process.env.PERISAI_SCOPE_FILE;
  let scope: Scope;
  if (o.scope.length > 0 || scopeFile) {
    const specs: (string | SourcedToken)[] = [...o.scope];
    if (scopeFile) append(specs, await readTokens(scopeFile, o));
    scope = Scope.fromSpecs(specs);
  } else {
    const ranges = [...targets.rangeSet.v4, ...targets.rangeSet.v6].map(formatRange);
    scope = Scope.fromSpecs(ranges);
    note(`no scope configured (--scope, --scope-file): scanning only the ${plan.hosts.toLocaleString('en-US')} address(es) named on the command line`);
  }
  const coverage = checkTargetsInScope(targets, scope);
  if (!coverage.inScope) throw new CliError(`refused by scope: ${coverage.message}. Nothing was scanned.`, EXIT.SCOPE);

  // ---- output
  const out = await openOutput(o.output);
  const sink = createSink(o.format, out, { allStates: o.allStates, color: !o.output && o.format === 'table' && process.stdout.isTTY === true });
  const seed = o.seed ?? randomSeed();
  sink.begin({ args: ['perisai', ...argv], startedAt: new Date(), ports, scanner: 'perisai', version: VERSION, scanType: 'connect' });

  // ---- Ctrl-C: stop sending, keep and write what was found
  const ac = new AbortController();
  let signals = 0;
  const onSignal = (sig: NodeJS.Signals): void => {
    signals++;
    if (signals === 1) {
      note(`${sig}: stopping; writing what was found so far (press again to quit at once)`);
      ac.abort();
    } else process.exit(EXIT.INTERRUPTED);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const bar = createProgressBar(process.stderr, o.progress && !o.quiet);
  note(`scanning ${plan.hosts.toLocaleString('en-US')} host(s) x ${plan.ports} port(s) (${formatPorts(ports).slice(0, 60)}) = ${plan.probes.toLocaleString('en-US')} probes`);
  let summary;
  try {
    summary = await runScan(
      {
        targets,
        ports,
        scope,
        socketLayer: o.socketLayer,
        order: new Permutation(plan.probes, seed),
        window: o.window,
        timeout: { initialMs: o.timeout, maxMs: o.timeout, minMs: o.minTimeout },
        retries: o.retries,
        ...(o.maxRate !== undefined ? { maxRate: o.maxRate } : {}),
        ...(o.hostInflight !== undefined ? { hostInflight: o.hostInflight } : {}),
        banners: o.banners ? { ...DEFAULT_BANNER_OPTIONS, totalMs: o.bannerTimeout, idleMs: Math.min(DEFAULT_BANNER_OPTIONS.idleMs, Math.floor(o.bannerTimeout / 2)) } : false,
        allStates: o.allStates,
        ...(o.checks.length > 0 ? { checks: { selectors: o.checks, timeoutMs: o.checkTimeout, concurrency: o.checkConcurrency } } : {}),
        signal: ac.signal,
      },
      {
        port: (r) => sink.port(r),
        host: (h, p, c) => sink.host(h, p, c),
        stage: (_name, n) => {
          bar.clear();
          note(`running checks (${o.checks.join(',')}) on ${n} host(s) with open SMB/RDP ports`);
        },
        progress: (p) => bar.update(p),
        warning: (m) => {
          bar.clear();
          note(`warning: ${m}`);
        },
      },
    );
  } finally {
    bar.clear();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  sink.end(summary);
  await out.close();
  const werr = out.error();
  if (werr) throw new CliError(`results could not be written${o.output ? ` to ${o.output}` : ''}: ${(werr as NodeJS.ErrnoException).code ?? werr.message}`, EXIT.OUTPUT);
  const secs = (summary.durationMs / 1000).toFixed(2);
  note(
    `done in ${secs} s: ${summary.hostsUp} host(s) up, ${summary.open} open, ${summary.closed} closed, ${summary.filtered} filtered` +
      (summary.checks ? `; checks: ${summary.checks.vulnerable} vulnerable, ${summary.checks.notVulnerable} not vulnerable, ${summary.checks.unknown} unknown` : '') +
      `${summary.interrupted ? ' (interrupted)' : ''}${o.output ? `; written to ${o.output}` : ''}`,
  );
  return summary.interrupted ? EXIT.INTERRUPTED : EXIT.OK;
}

