// nmap-compatible XML, following nmap's DTD (https://nmap.org/book/nmap-dtd.html,
// /usr/share/nmap/nmap.dtd) and the element layout nmap itself writes, so nmap tooling (ndiff,
// importers, XSL reports) reads it. Streamed: the header in begin(), one <host> per host(), the
// <runstats> in end(); memory does not grow with the scan.
//
// Deviations, all allowed by the readers that matter (ndiff does not check them):
// - scanner="perisai": the DTD enumerates only "nmap", so a validating parser will flag it.
// - startstr/timestr are in UTC (nmap uses local time) so files do not depend on the machine's TZ.
// - host starttime is the scan start (types.ts has no per-host start time); endtime is when the
//   host's result was written.
// - a port reason nmap does not know (scope-refused) is written as is; reason is CDATA in the DTD.
/* eslint-disable no-control-regex -- control characters are what these patterns look for */

import type { CheckLine, HostResult, PortResult, ScanSummary } from '../types.js';
import { hostScripts } from './scripts.js';
import type { ResultSink, ScanMeta, SinkOptions, TextOut } from './sink.js';
import { addrType, compressPorts, ctimeUtc, hiddenGroups, seconds, serviceInfo, shellJoin, shownPorts } from './sink.js';

// XML 1.0 §2.2 Char: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].
// Matched here: markup characters, C0 controls (forbidden except TAB/LF/CR), DEL and C1 (allowed but
// "discouraged" by §2.2), U+FFFE/U+FFFF (forbidden), and unpaired surrogates (not characters at all).
const XML_SPECIAL = /[&<>"'\x00-\x1f\x7f-\x9f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  // Character references, not raw: attribute-value normalisation (XML 1.0 §3.3.3) would turn raw
  // TAB/LF/CR into spaces. nmap writes multi-line script output the same way.
  '\t': '&#x9;',
  '\n': '&#xa;',
  '\r': '&#xd;',
};

/**
 * Escapes any string for an XML 1.0 attribute value (also valid as element text). Characters XML
 * cannot carry at all, not even as references, become the literal text "\xNN"; broken UTF-16
 * becomes U+FFFD.
 */
export function xmlEscape(s: string): string {
  return s.replace(XML_SPECIAL, (c) => {
    const e = ENTITIES[c];
    if (e !== undefined) return e;
    const code = c.charCodeAt(0);
    if (code <= 0x9f) return `\\x${code.toString(16).toUpperCase().padStart(2, '0')}`;
    return '\ufffd';
  });
}

function attrs(pairs: readonly (readonly [string, string | number | undefined])[]): string {
  return pairs
    .filter((p): p is readonly [string, string | number] => p[1] !== undefined)
    .map(([k, v]) => ` ${k}="${xmlEscape(String(v))}"`)
    .join('');
}

function unixSeconds(ms: number): number | undefined {
  return Number.isFinite(ms) ? Math.floor(ms / 1000) : undefined;
}

/** RFC 6298 §2-style estimate from the per-port RTTs: rttvar as mean deviation around srtt, in µs. */
function timesElement(h: HostResult, ports: readonly PortResult[]): string {
  const srtt = h.srttMs;
  if (srtt === undefined || !Number.isFinite(srtt)) return '';
  const samples = ports.map((p) => p.rttMs).filter((x): x is number => x !== undefined && Number.isFinite(x));
  const rttvar =
    samples.length > 1 ? samples.reduce((a, x) => a + Math.abs(x - srtt), 0) / samples.length : srtt / 2; // §2.2 first sample: R/2
  const us = (ms: number) => Math.max(0, Math.round(ms * 1000));
  // nmap's "to" is its retransmission timeout, srtt + 4*rttvar with a 100 ms floor (min-rtt-timeout).
  const to = Math.max(us(srtt + 4 * rttvar), 100_000);
  return `<times${attrs([['srtt', us(srtt)], ['rttvar', us(rttvar)], ['to', to]])}/>\n`;
}

function portElement(r: PortResult): string {
  const svc = serviceInfo(r);
  const service = `<service${attrs([
    ['name', svc.name],
    ['product', svc.product],
    ['version', svc.version],
    ['extrainfo', svc.extrainfo],
    ['method', svc.method],
    ['conf', svc.conf],
  ])}/>`;
  // nmap's banner.nse result: <script id="banner" output="…"/>.
  const script = r.banner !== undefined && r.banner !== '' ? `<script${attrs([['id', 'banner'], ['output', r.banner]])}/>` : '';
  return (
    `<port${attrs([['protocol', r.proto], ['portid', r.port]])}>` +
    `<state${attrs([['state', r.state], ['reason', r.reason], ['reason_ttl', 0]])}/>` +
    `${service}${script}</port>\n`
  );
}

export class XmlSink implements ResultSink {
  private startMs = NaN;
  private began = false;

  constructor(
    private readonly out: TextOut,
    private readonly opts: SinkOptions,
  ) {}

  begin(meta: ScanMeta): void {
    this.began = true;
    this.startMs = meta.startedAt.getTime();
    const start = unixSeconds(this.startMs);
    const ports = [...new Set(meta.ports)];
    this.out.write(
      '<?xml version="1.0" encoding="UTF-8"?>\n' +
        '<!DOCTYPE nmaprun>\n' +
        `<nmaprun${attrs([
          ['scanner', meta.scanner],
          ['args', shellJoin(meta.args)],
          ['start', start],
          ['startstr', start === undefined ? undefined : ctimeUtc(meta.startedAt)],
          ['version', meta.version],
          ['xmloutputversion', '1.05'],
        ])}>\n` +
        `<scaninfo${attrs([
          ['type', meta.scanType],
          ['protocol', 'tcp'],
          ['numservices', ports.length],
          ['services', compressPorts(ports)],
        ])}/>\n` +
        '<verbose level="0"/>\n<debugging level="0"/>\n',
    );
  }

  port(_r: PortResult): void {
    // Ports are written inside their <host> element (host() receives them).
  }

  host(h: HostResult, ports: readonly PortResult[], checks: readonly CheckLine[] = []): void {
    if (!this.began) throw new Error('XmlSink: begin() must be called before host()');
    const shown = shownPorts(ports, this.opts.allStates);
    const now = (this.opts.clock ?? Date.now)();
    let x = `<host${attrs([['starttime', unixSeconds(this.startMs)], ['endtime', unixSeconds(now)]])}>`;
    x += `<status${attrs([['state', h.state], ['reason', h.reason], ['reason_ttl', 0]])}/>\n`;
    x += `<address${attrs([['addr', h.ip], ['addrtype', addrType(h.ip)]])}/>\n`;
    x += '<hostnames>\n';
    if (h.hostname !== undefined && h.hostname !== '') x += `<hostname${attrs([['name', h.hostname], ['type', 'user']])}/>\n`;
    x += '</hostnames>\n';
    x += '<ports>';
    for (const g of hiddenGroups(h, ports, this.opts.allStates)) {
      x += `<extraports${attrs([['state', g.state], ['count', g.count]])}>\n`;
      for (const r of g.reasons) x += `<extrareasons${attrs([['reason', r.reason], ['count', r.count]])}/>\n`;
      x += '</extraports>\n';
    }
    for (const p of shown) x += portElement(p);
    x += '</ports>\n';
    const scripts = hostScripts(h, checks);
    if (scripts.length > 0) {
      x += '<hostscript>';
      for (const sc of scripts) {
        x += `<script${attrs([['id', sc.id], ['output', sc.output]])}>`;
        for (const [k, v] of sc.elems) x += `<elem${attrs([['key', k]])}>${xmlEscape(v)}</elem>`;
        x += '</script>';
      }
      x += '</hostscript>\n';
    }
    x += timesElement(h, ports);
    x += '</host>\n';
    this.out.write(x);
  }

  end(s: ScanSummary): void {
    if (!this.began) throw new Error('XmlSink: begin() must be called before end()');
    const endMs = Date.parse(s.endedAt);
    const endDate = new Date(Number.isFinite(endMs) ? endMs : (this.opts.clock ?? Date.now)());
    const elapsed = seconds(s.durationMs);
    const timestr = ctimeUtc(endDate);
    const summary = `Perisai done at ${timestr}; ${s.hosts} IP address${s.hosts === 1 ? '' : 'es'} (${s.hostsUp} host${s.hostsUp === 1 ? '' : 's'} up) scanned in ${elapsed} seconds`;
    this.out.write(
      '<runstats>' +
        `<finished${attrs([
          ['time', unixSeconds(endDate.getTime())],
          ['timestr', timestr],
          ['summary', summary],
          ['elapsed', elapsed],
          // nmap writes no runstats when stopped; we do, and say the results are incomplete.
          ['exit', s.interrupted ? 'error' : 'success'],
          ['errormsg', s.interrupted ? 'scan interrupted before every probe completed' : undefined],
        ])}/>` +
        `<hosts${attrs([['up', s.hostsUp], ['down', Math.max(0, s.hosts - s.hostsUp)], ['total', s.hosts]])}/>\n` +
        '</runstats>\n' +
        '</nmaprun>\n',
    );
  }
}
