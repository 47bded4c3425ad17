// JSON Lines (https://jsonlines.org/): one JSON object per line, written as results arrive, so a
// consumer can tail the file during a long scan. This is a public contract: field names are
// types.ts's PortResult / HostResult / ScanSummary names, with undefined fields omitted.
//   {"type":"port",...}     each open port as found (closed/filtered too with allStates)
//   {"type":"check",...}    each check verdict of a host, just before that host's line
//   {"type":"host",...}     each host that answered, when its scan ends
//   {"type":"summary",...}  once, last

import type { CheckLine, HostResult, PortResult, ScanSummary } from '../types.js';
import type { ResultSink, ScanMeta, SinkOptions, TextOut } from './sink.js';
import { checkRecord, hostRecord, isShown, jsonLine, portRecord, summaryRecord } from './sink.js';

export class JsonlSink implements ResultSink {
  constructor(
    private readonly out: TextOut,
    private readonly opts: SinkOptions,
  ) {}

  begin(_meta: ScanMeta): void {
    // Nothing: the line types are fixed by the contract (port, host, summary).
  }

  port(r: PortResult): void {
    if (isShown(r, this.opts.allStates)) this.out.write(jsonLine(portRecord(r)) + '\n');
  }

  host(h: HostResult, _ports: readonly PortResult[], checks: readonly CheckLine[] = []): void {
    for (const c of checks) this.out.write(jsonLine(checkRecord(c)) + '\n');
    this.out.write(jsonLine(hostRecord(h)) + '\n');
  }

  end(s: ScanSummary): void {
    this.out.write(jsonLine(summaryRecord(s)) + '\n');
  }
}
