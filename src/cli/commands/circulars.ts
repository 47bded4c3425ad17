// `perisai circular …` (docs/circulars.md "CLI"): the circulars, one circular with its board, and exports
// for scripts — the letter as the data the PDF is rendered from, the board, or the answers as CSV.
//
//   perisai circular list [--status draft|sent|closed] [--format table|json]
//   perisai circular show NUMBER|ID [--format text|json]
//   perisai circular export NUMBER|ID [--type letter|board|answers] [--agency CODE] [-o FILE]
//
// All take --db URL / --data-dir DIR (env PERISAI_DB). Errors map to the documented exit codes
// (src/cli/errors.ts): bad input or unknown circular → 2, storage → 4.

import { writeFile } from 'node:fs/promises';
import { Command, Option } from 'commander';
import { boardView } from '../../api/circular-service.js';
import { CIRCULAR_STATUSES, toLetter } from '../../domain/circular.js';
import type { CircularStatus } from '../../domain/circular.js';
import { notFound } from '../../domain/errors.js';
import { csvLine } from '../../io/csv.js';
import type { Store, StoredCircular } from '../../store/index.js';
import { renderTable, storeOptions, withStore } from '../shared.js';
import type { StoreOpts } from '../shared.js';

/** A circular by its letter number (800/012/DISKOMINFO/2017) or id; the CLI runs with the city-wide view. */
async function find(store: Store, ref: string): Promise<StoredCircular> {
  const r = ref.trim();
  const hit = (await store.circulars.list('all', { limit: 1000 })).find((c) => c.id === r || c.number === r);
  if (hit === undefined) throw notFound('circular', r);
  return store.circulars.get(hit.id);
}

async function output(text: string, file: string | undefined): Promise<void> {
  if (file === undefined) process.stdout.write(text);
  else await writeFile(file, text, { mode: 0o600 });
}

export function circularCommand(): Command {
  const cmd = new Command('circular').description('circulars (surat edaran): the list, one circular with its board, and exports of the letter, board and answers');
  cmd.addCommand(
    storeOptions(new Command('list'))
      .description('list circulars, newest first')
      .addOption(new Option('--status <status>', 'only this status').choices([...CIRCULAR_STATUSES]))
      .addOption(new Option('--format <f>', 'output').choices(['table', 'json']).default('table'))
      .action(async (o: StoreOpts & { status?: CircularStatus; format: string }) => {
        await withStore(o, async (store) => {
          const items = await store.circulars.list('all', { ...(o.status !== undefined ? { status: o.status } : {}), limit: 1000 });
          if (o.format === 'json') {
            process.stdout.write(`${JSON.stringify(items, null, 2)}\n`);
            return;
          }
          const rows = items.map((c) => [c.number ?? '(draft)', c.status, `v${c.version}`, c.sentAt ?? '-', c.id, c.subject.id]);
          process.stdout.write(items.length === 0 ? 'no circulars\n' : renderTable(['NUMBER', 'STATUS', 'VERSION', 'SENT', 'ID', 'SUBJECT'], rows));
        });
      }),
  );
  cmd.addCommand(
    storeOptions(new Command('show'))
      .description('one circular: its letter fields, items and the board (per agency: acknowledged, items, verification, gate)')
      .argument('<circular>', 'letter number (800/012/DISKOMINFO/2017) or id')
      .addOption(new Option('--format <f>', 'output').choices(['text', 'json']).default('text'))
      .action(async (ref: string, o: StoreOpts & { format: string }) => {
        await withStore(o, async (store) => {
          const c = await find(store, ref);
          const board = await boardView(store, c.id, 'all', new Date());
          if (o.format === 'json') {
            process.stdout.write(`${JSON.stringify({ circular: c, board }, null, 2)}\n`);
            return;
          }
          const t = board.totals;
          const lines = [
            `${c.number ?? '(draft)'}  ${c.content.subject.id}`,
            `status ${c.status}; version ${c.version}; sent ${c.sentAt ?? '-'} by ${c.sentBy ?? '-'}${c.closedAt !== null ? `; closed ${c.closedAt}` : ''}`,
            `signed ${c.content.signatory.name}, ${c.content.signatory.position.id}; ${c.content.items.length} items; audience ${c.content.audience.kind}`,
            `agencies ${t.agencies}: acknowledged ${t.acknowledged}, complete ${t.complete}, contradicted ${t.contradicted}, cleared ${t.cleared}`,
            '',
          ];
          const codes = c.content.items.map((i) => i.code);
          const mark = (v: string) => ({ verified: 'V', contradicted: 'X', unverifiable: '?', pending: '.' })[v] ?? v;
          const rows = board.rows.map((r) => [r.agencyCode, r.acknowledged ? 'yes' : r.seenAt !== null ? 'seen' : 'no', ...r.items.map((i) => `${i.status}/${mark(i.verification)}`), r.gate ?? '-']);
          process.stdout.write(`${lines.join('\n')}\n${rows.length === 0 ? 'not sent\n' : renderTable(['AGENCY', 'ACK', ...codes, 'GATE'], rows)}`);
          const contradicted = board.rows.flatMap((r) => r.items.filter((i) => i.verification === 'contradicted').map((i) => `  ${r.agencyCode} ${i.code}: ${i.hosts.join(', ')}${i.hostCount > i.hosts.length ? ` (+${i.hostCount - i.hosts.length})` : ''}`));
          if (contradicted.length > 0) process.stdout.write(`\ncontradicted by scans (V verified, X contradicted, ? unverifiable, . pending):\n${contradicted.join('\n')}\n`);
        });
      }),
  );
  cmd.addCommand(
    storeOptions(new Command('export'))
      .description('export for scripts: the letter (the data the PDF is rendered from, JSON), the board (JSON) or the answers (CSV)')
      .argument('<circular>', 'letter number or id')
      .addOption(new Option('--type <t>', 'what to export').choices(['letter', 'board', 'answers']).default('letter'))
      .option('--agency <code>', 'the letter addressed to one agency')
      .option('-o, --output <file>', 'write to this file (default: standard output)')
      .action(async (ref: string, o: StoreOpts & { type: string; agency?: string; output?: string }) => {
        await withStore(o, async (store) => {
          const c = await find(store, ref);
          if (o.type === 'board') return output(`${JSON.stringify(await boardView(store, c.id, 'all', new Date()), null, 2)}\n`, o.output);
          if (o.type === 'answers') {
            const codes = new Map((await store.agencies.list('all', { includeRetired: true })).map((a) => [a.id, a.code]));
            const head = ['agency', 'item', 'status', 'verification', 'why', 'hosts', 'review', 'machines_done', 'machines_total', 'reason', 'target_date', 'note', 'answered_by', 'answered_at', 'attested_at'];
            const lines = (await store.circulars.answers(c.id, 'all')).map((a) => csvLine([
              codes.get(a.agencyId) ?? a.agencyId, a.itemCode, a.status, a.verification.state, a.verification.why ?? '', [...new Set(a.verification.hosts.map((h) => h.ip))].join(' '), a.review.state,
              a.machinesDone === null ? '' : String(a.machinesDone), a.machinesTotal === null ? '' : String(a.machinesTotal), a.reason ?? '', a.targetDate ?? '', a.note ?? '', a.answeredBy, a.answeredAt, a.attestedAt ?? '',
            ]));
            return output([csvLine(head), ...lines].join(''), o.output);
          }
          const agency = o.agency === undefined ? null : await store.agencies.getByCode('all', o.agency);
          const letter = toLetter({ circularId: c.id, number: c.number, sentAt: c.sentAt, version: c.version, content: c.content, agency: agency === null ? null : { code: agency.code, name: agency.name } });
          return output(`${JSON.stringify(letter, null, 2)}\n`, o.output);
        });
      }),
  );
  return cmd;
}

export function addCircularCommands(program: Command): void {
  const c = circularCommand();
  for (const sub of c.commands) sub.exitOverride();
  program.addCommand(c.exitOverride());
}
