// Human-readable text in the layout of nmap's normal output (nmap -oN --reason), one block per host
// as its scan ends, then a summary. Everything that came from the network (banners, hostnames) is
// made terminal-safe: control characters and bidi overrides are shown escaped, so a hostile banner
// cannot move the cursor, retitle the terminal or reorder what the reader sees.
/* eslint-disable no-control-regex -- control characters are what these patterns look for */

import type { CheckLine, HostResult, PortResult, PortState, ScanSummary } from '../types.js';
import { hostScripts } from './scripts.js';
import type { ResultSink, ScanMeta, SinkOptions, TextOut } from './sink.js';
import { hiddenGroups, seconds, serviceInfo, shownPorts, versionString } from './sink.js';

/** Banner text shown under a port is cut to this many characters. */
const BANNER_SNIPPET = 100;

// C0, DEL, C1 (ESC and CSI start terminal control sequences), U+2028/U+2029 (line and paragraph
// separators), the Unicode bidi controls (the "Trojan Source" characters, CVE-2021-42574), and
// unpaired surrogates.
const UNSAFE =
  /[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

export function terminalSafe(s: string): string {
  return s.replace(UNSAFE, (c) => {
    const code = c.charCodeAt(0);
    if (code >= 0xd800 && code <= 0xdfff) return '\ufffd';
    return code <= 0xff ? `\\x${code.toString(16).toUpperCase().padStart(2, '0')}` : `\\u${code.toString(16).toUpperCase().padStart(4, '0')}`;
  });
}

const SGR = { reset: '\x1b[0m', bold: '\x1b[1m', red: '\x1b[31m', green: '\x1b[32m', yellow: '\x1b[33m' } as const;
const STATE_COLOR: Readonly<Record<PortState, string>> = { open: SGR.green, closed: SGR.red, filtered: SGR.yellow };

function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

function utcStamp(d: Date): string {
  return Number.isFinite(d.getTime()) ? `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC` : 'unknown time';
}

export class TableSink implements ResultSink {
  constructor(
    private readonly out: TextOut,
    private readonly opts: SinkOptions,
  ) {}

  private paint(text: string, color: string): string {
    return this.opts.color === true ? `${color}${text}${SGR.reset}` : text;
  }

  begin(meta: ScanMeta): void {
    const ports = new Set(meta.ports).size;
    this.out.write(
      `Starting Perisai ${terminalSafe(meta.version)} at ${utcStamp(meta.startedAt)} (${meta.scanType} scan, ${plural(ports, 'port')})\n`,
    );
  }

  port(_r: PortResult): void {
    // Ports are printed in their host block (host() receives them).
  }

  host(h: HostResult, ports: readonly PortResult[], checks: readonly CheckLine[] = []): void {
    const ip = terminalSafe(h.ip);
    const name = h.hostname !== undefined && h.hostname !== '' ? `${terminalSafe(h.hostname)} (${ip})` : ip;
    const lines: string[] = ['', this.paint(`Perisai scan report for ${name}`, SGR.bold)];
    const latency = h.srttMs !== undefined && Number.isFinite(h.srttMs) ? ` (${(h.srttMs / 1000).toFixed(5)}s latency)` : '';
    lines.push(`Host is ${h.state}, received ${h.reason}${latency}.`);

    const shown = shownPorts(ports, this.opts.allStates);
    const hidden = hiddenGroups(h, ports, this.opts.allStates);
    if (hidden.length > 0) {
      const total = h.open + h.closed + h.filtered;
      if (shown.length === 0 && total > 0) lines.push(`All ${total} scanned ports on ${name} are in ignored states.`);
      const parts = hidden.map(
        (g) => `${plural(g.count, `${g.state} tcp port`)} (${g.reasons.map((r) => (g.reasons.length === 1 ? r.reason : `${r.count} ${r.reason}`)).join(', ')})`,
      );
      lines.push(`Not shown: ${parts.join(', ')}`);
    }

    if (shown.length > 0) {
      const rows = shown.map((p) => {
        const svc = serviceInfo(p);
        return { p, cells: [`${p.port}/${p.proto}`, p.state, terminalSafe(svc.name), p.reason, terminalSafe(versionString(svc))] };
      });
      const withVersion = rows.some((r) => r.cells[4] !== '');
      const head = ['PORT', 'STATE', 'SERVICE', 'REASON', ...(withVersion ? ['VERSION'] : [])];
      const width = head.map((title, i) => rows.reduce((w, r) => Math.max(w, (r.cells[i] ?? '').length), title.length));
      // Pad before colouring: escape sequences have no width on screen.
      const fmt = (cells: readonly string[], colorOf?: (i: number) => string | undefined) =>
        cells
          .slice(0, head.length)
          .map((c, i) => {
            const padded = i === head.length - 1 ? c : c.padEnd(width[i] ?? 0);
            const color = colorOf?.(i);
            return color === undefined ? padded : this.paint(padded, color);
          })
          .join(' ')
          .trimEnd();
      lines.push(this.paint(fmt(head), SGR.bold));
      for (const { p, cells } of rows) {
        lines.push(fmt(cells, (i) => (i === 1 ? STATE_COLOR[p.state] : undefined)));
        if (p.banner !== undefined && p.banner !== '') {
          const b = terminalSafe(p.banner);
          lines.push(`|_banner: ${b.length > BANNER_SNIPPET ? `${b.slice(0, BANNER_SNIPPET - 3)}...` : b}`);
        }
      }
    }
    // nmap's "Host script results" block: facts, then one entry per check verdict.
    const scripts = hostScripts(h, checks);
    if (scripts.length > 0) {
      lines.push('', 'Host script results:');
      scripts.forEach((sc, i) => {
        const body = sc.output.split('\n').map(terminalSafe);
        const last = i === scripts.length - 1;
        lines.push(`| ${sc.id}:`);
        body.forEach((l, j) => {
          const color = /^State: VULNERABLE/.test(l) ? SGR.red : /^State: UNKNOWN/.test(l) ? SGR.yellow : undefined;
          const text = color === undefined ? l : this.paint(l, color);
          lines.push(`${last && j === body.length - 1 ? '|_' : '|'}   ${text}`);
        });
      });
    }
    this.out.write(lines.join('\n') + '\n');
  }

  end(s: ScanSummary): void {
    const lines = [
      '',
      `Perisai done: ${plural(s.hosts, 'IP address', 'IP addresses')} (${plural(s.hostsUp, 'host')} up) scanned in ${seconds(s.durationMs)} seconds`,
      `Ports: ${s.open} open, ${s.closed} closed, ${s.filtered} filtered; ${plural(s.probesSent, 'probe')} sent (${plural(s.retries, 'retry', 'retries')})` +
        (s.refusedByScope > 0 ? `; ${s.refusedByScope} refused by scope` : ''),
    ];
    if (s.interrupted) lines.push(this.paint('WARNING: scan interrupted before every probe completed; results are incomplete.', SGR.yellow));
    this.out.write(lines.join('\n') + '\n');
  }
}
