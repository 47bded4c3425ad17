// The core every store command of the `perisai` CLI shares (src/cli/commands/*.ts): the --db/--data-dir
// options and opening the store from them in one way, the one mapping of domain, store and file errors to
// an exit code (src/cli/errors.ts) with a message in Bahasa Indonesia and English, and table/JSON/CSV output.
// The CLI runs with the administrator scope (it is Diskominfo's tool on the server).

import type { Command } from 'commander';
import { isPerisaiError } from '../domain/errors.js';
import type { ErrorCode } from '../domain/errors.js';
import { escapeForTerminal, jsonForTerminal } from '../domain/text.js';
import { validateNetworkPolicy } from '../domain/network.js';
import { csvLine } from '../io/csv.js';
import { InventoryFileError } from '../io/sheets.js';
import { createStore } from '../store/index.js';
import type { Store } from '../store/index.js';
import { CliError, EXIT } from './errors.js';

/** Where a command writes: standard output and error, or a test's buffers. */
export interface CliIo {
  out(s: string): void;
  err(s: string): void;
}

export const processIo: CliIo = {
  out: (s) => void process.stdout.write(s),
  err: (s) => void process.stderr.write(s),
};

/** The flags that name the store (and, for `serve`, the network registration policy). */
export interface StoreOpts {
  db?: string;
  dataDir?: string;
  /** Registering networks wider than these prefixes needs a confirmation (src/domain/network.ts). */
  networkConfirmV4?: string;
  networkConfirmV6?: string;
}

/** Add --db and --data-dir, as every store command takes them. */
export function storeOptions(c: Command): Command {
  return c
    .option('--db <url>', 'store URL: sqlite:///path.db or postgres://… (env PERISAI_DB; default: embedded SQLite under the data dir)')
    .option('--data-dir <dir>', 'data directory of the embedded SQLite database (env PERISAI_DATA_DIR)');
}

/** The store URL: --db, else $PERISAI_DB; undefined (the embedded SQLite) when neither names one. */
export function storeUrl(o: Pick<StoreOpts, 'db'>): string | undefined {
  const url = o.db ?? process.env.PERISAI_DB;
  return url === undefined || url === '' ? undefined : url;
}

/** Open the store for one command, run `fn`, close it; errors become the documented exit codes. */
export async function withStore<T>(o: StoreOpts, fn: (store: Store) => Promise<T>): Promise<T> {
  let store: Store | undefined;
  const url = storeUrl(o);
  try {
    const networkPolicy = validateNetworkPolicy({
      confirmPrefixV4: o.networkConfirmV4 ?? process.env.PERISAI_NETWORK_CONFIRM_V4,
      confirmPrefixV6: o.networkConfirmV6 ?? process.env.PERISAI_NETWORK_CONFIRM_V6,
    });
    store = await createStore({ ...(url !== undefined ? { url } : {}), ...(o.dataDir !== undefined ? { dataDir: o.dataDir } : {}), networkPolicy });
    return await fn(store);
  } catch (e) {
    throw toCliError(e);
  } finally {
    await store?.close();
  }
}

/**
 * What each error class says in Bahasa Indonesia before the English detail (the domain, the store and the
 * file readers speak English; the API translates the same codes in src/api/errors.ts).
 */
const IN_INDONESIAN: Readonly<Record<ErrorCode | 'E_FILE', string>> = {
  E_VALIDATION: 'Masukan tidak valid',
  E_NOT_FOUND: 'Data tidak ditemukan',
  E_CONFLICT: 'Bertentangan dengan data yang sudah ada',
  E_STORAGE: 'Basis data gagal; yang sudah tersimpan tetap utuh',
  E_FILE: 'Berkas tidak dapat dibaca',
};

/**
 * The one mapping of errors to exit codes: bad input, an unknown id, a conflict or an unreadable inventory
 * file → 2 (EXIT.USAGE), a storage failure → 4 (EXIT.OUTPUT). The message is "Indonesian / English".
 * A CliError and anything unexpected pass through unchanged (main.ts reports the latter as internal).
 */
export function toCliError(e: unknown): unknown {
  if (e instanceof InventoryFileError) return new CliError(`${IN_INDONESIAN.E_FILE} / ${e.message}`, EXIT.USAGE);
  if (!isPerisaiError(e)) return e;
  // A domain rule with a sentence of its own in Indonesian (details.messageId) says it instead of the class.
  const id = typeof e.details['messageId'] === 'string' ? e.details['messageId'] : IN_INDONESIAN[e.code];
  return new CliError(`${id} / ${e.message}`, e.code === 'E_STORAGE' ? EXIT.OUTPUT : EXIT.USAGE);
}

/**
 * Plain-text table: columns padded to the widest cell, two spaces apart, the last column unpadded. Every
 * cell is escaped for the terminal (src/domain/text.ts): a stored ESC, NUL or line break is shown as \x1b,
 * \x00, \n — it can neither drive the terminal nor break the table's rows.
 */
export function renderTable(header: readonly string[], cells: readonly (readonly string[])[]): string {
  const rows = cells.map((r) => r.map((c) => escapeForTerminal(c)));
  const widths = header.map((h, i) => rows.reduce((w, r) => Math.max(w, (r[i] ?? '').length), h.length));
  const line = (r: readonly string[]): string => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd() + '\n';
  return line(header) + rows.map(line).join('');
}

export type OutFormat = 'table' | 'json' | 'csv';

/** Rows as a table ("(none)" when empty), CSV (the data as stored), or `json` pretty-printed (terminal-safe escapes). */
export function emit(io: CliIo, format: OutFormat, header: readonly string[], rows: readonly (readonly string[])[], json: unknown): void {
  if (format === 'json') io.out(jsonForTerminal(json, 2) + '\n');
  else if (format === 'csv') io.out(csvLine(header) + rows.map((r) => csvLine(r)).join(''));
  else io.out(rows.length === 0 ? '(none)\n' : renderTable(header, rows));
}
