// CSV per RFC 4180: header line, CRLF line ends (§2.1), fields containing a comma, double quote, CR
// or LF are enclosed in double quotes with inner quotes doubled (§2.5-2.7). One row per port, written
// as the port is found (open ports only unless allStates).
//
// The file is meant for Excel/LibreOffice, so it is defended against CSV ("formula") injection
// (OWASP, https://owasp.org/www-community/attacks/CSV_Injection): a banner or hostname is chosen by
// whoever runs the scanned host, and a field starting with = + - @ TAB or CR would be evaluated as a
// formula. Such fields get a leading single quote, which spreadsheets show as text.
/* eslint-disable no-control-regex -- control characters are what these patterns look for */

import type { HostResult, PortResult, ScanSummary } from '../types.js';
import type { ResultSink, ScanMeta, SinkOptions, TextOut } from './sink.js';
import { isShown } from './sink.js';

export const CSV_HEADER = ['ip', 'hostname', 'port', 'proto', 'state', 'reason', 'service', 'banner', 'rtt_ms'] as const;

/**
 * One field: formula guard, then RFC 4180 quoting. C0 controls other than TAB/CR/LF (NUL, ESC, …)
 * become "\xNN": RFC 4180 has no place for them and spreadsheet importers mangle or stop at them.
 * Unpaired surrogates become U+FFFD so the UTF-8 output is well-defined.
 */
export function csvField(value: string): string {
  const v = safeCell(value);
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/**
 * A cell's text before CSV quoting — controls escaped, surrogates repaired, formula guard applied. The
 * XLSX exports write cells through it too, so a spreadsheet gets the same text from either format.
 */
export function safeCell(value: string): string {
  let v = value
    .replace(/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`)
    .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
  if (/^[=+\-@\t\r]/.test(v)) v = `'${v}`;
  return v;
}

export function csvRow(fields: readonly string[]): string {
  return fields.map(csvField).join(',') + '\r\n';
}

function rtt(ms: number | undefined): string {
  return ms === undefined || !Number.isFinite(ms) ? '' : String(Math.round(ms * 1000) / 1000);
}

export class CsvSink implements ResultSink {
  private headerDone = false;

  constructor(
    private readonly out: TextOut,
    private readonly opts: SinkOptions,
  ) {}

  private header(): void {
    if (this.headerDone) return;
    this.headerDone = true;
    this.out.write(csvRow(CSV_HEADER));
  }

  begin(_meta: ScanMeta): void {
    this.header();
  }

  port(r: PortResult): void {
    this.header();
    if (!isShown(r, this.opts.allStates)) return;
    this.out.write(
      csvRow([r.ip, r.hostname ?? '', String(r.port), r.proto, r.state, r.reason, r.service ?? '', r.banner ?? '', rtt(r.rttMs)]),
    );
  }

  host(_h: HostResult, _ports: readonly PortResult[]): void {
    // One row per port; the host totals are in the other formats.
  }

  end(_s: ScanSummary): void {
    this.header(); // an empty scan still yields a parseable file
  }
}
