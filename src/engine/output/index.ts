// Output formats of the scan engine. createSink() picks the writer; all of them implement the same
// streaming ResultSink, so the CLI drives every format the same way.

import { CsvSink } from './csv.js';
import { JsonSink } from './json.js';
import { JsonlSink } from './jsonl.js';
import type { OutputFormat, ResultSink, SinkOptions, TextOut } from './sink.js';
import { TableSink } from './table.js';
import { XmlSink } from './xml.js';

export type { HiddenGroup, OutputFormat, ResultSink, ScanMeta, ServiceInfo, SinkOptions, TextOut } from './sink.js';
export { OUTPUT_FORMATS } from './sink.js';
export { CSV_HEADER, CsvSink, csvField, csvRow } from './csv.js';
export { JsonSink } from './json.js';
export { JsonlSink } from './jsonl.js';
export { TableSink, terminalSafe } from './table.js';
export { XmlSink, xmlEscape } from './xml.js';

export function createSink(format: OutputFormat, out: TextOut, opts: SinkOptions): ResultSink {
  switch (format) {
    case 'table':
      return new TableSink(out, opts);
    case 'jsonl':
      return new JsonlSink(out, opts);
    case 'json':
      return new JsonSink(out, opts);
    case 'xml':
      return new XmlSink(out, opts);
    case 'csv':
      return new CsvSink(out, opts);
    default: {
      const never: never = format;
      throw new Error(`unknown output format: ${String(never)}`);
    }
  }
}
