// One JSON document, written when the scan ends:
//   {"scan": {meta}, "hosts": [{...host, "ports": [...]}], "summary": {...}}
// Hosts are kept (as compact records) until end(); the document is then written one host per line,
// so no single string grows with the scan size (V8 caps strings at ~512 MiB) and the file stays
// diff- and grep-friendly. Use jsonl for streaming.

import type { CheckLine, HostResult, PortResult, ScanSummary } from '../types.js';
import type { ResultSink, ScanMeta, SinkOptions, TextOut } from './sink.js';
import { checkRecord, hostRecord, jsonLine, portRecord, shownPorts, summaryRecord } from './sink.js';

export class JsonSink implements ResultSink {
  private meta: ScanMeta | undefined;
  private readonly hosts: string[] = [];

  constructor(
    private readonly out: TextOut,
    private readonly opts: SinkOptions,
  ) {}

  begin(meta: ScanMeta): void {
    this.meta = meta;
  }

  port(_r: PortResult): void {
    // Ports are written with their host (host() receives them).
  }

  host(h: HostResult, ports: readonly PortResult[], checks?: readonly CheckLine[]): void {
    const rec = {
      ...hostRecord(h),
      ports: shownPorts(ports, this.opts.allStates).map(portRecord),
      ...(checks && checks.length > 0 ? { checks: checks.map(checkRecord) } : {}),
    };
    this.hosts.push(jsonLine(rec));
  }

  end(s: ScanSummary): void {
    const m = this.meta;
    const scan =
      m === undefined
        ? null
        : {
            scanner: m.scanner,
            version: m.version,
            args: m.args,
            startedAt: Number.isFinite(m.startedAt.getTime()) ? m.startedAt.toISOString() : null,
            scanType: m.scanType,
            ports: m.ports,
          };
    this.out.write(`{"scan":${jsonLine(scan)},\n"hosts":[`);
    this.hosts.forEach((line, i) => this.out.write(`${i === 0 ? '' : ','}\n${line}`));
    this.out.write(`${this.hosts.length === 0 ? '' : '\n'}],\n"summary":${jsonLine(summaryRecord(s))}}\n`);
    this.hosts.length = 0;
  }
}
