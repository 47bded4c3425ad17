// `perisai incident …` (docs/incidents.md "CLI"): the incident queue, one incident with its clocks and
// timeline, and the BSSN report or the personal-data notice as JSON (the data the PDFs are rendered from)
// or as PDF (src/io/pdf), and the step cards of the incident's playbooks as PDF.
//
//   perisai incident list [--agency CODE] [--phase P] [--open] [--format table|json]
//   perisai incident show NUMBER|ID [--format text|json]
//   perisai incident export NUMBER|ID [--type initial|update|final|pdp|cards] [--assistance none|remote|on-site]
//                                     [--format json|pdf] [--lang id|en] [-o FILE]
//
// All take --db URL / --data-dir DIR (env PERISAI_DB). Errors map to the documented exit codes
// (src/cli/errors.ts): bad input or unknown incident → 2, storage → 4.

import { writeFile } from 'node:fs/promises';
import { Command, Option } from 'commander';
import { PHASES } from '../../domain/incident.js';
import type { Phase } from '../../domain/incident.js';
import { validationError } from '../../domain/errors.js';
import { ASSISTANCE, BSSN_REPORT_TYPES, localTime } from '../../domain/incident-report.js';
import type { Assistance, BssnReportType } from '../../domain/incident-report.js';
import { LANGS } from '../../io/pdf/common.js';
import type { Lang } from '../../io/pdf/common.js';
import { bssnReportFile, bssnReportOf, incidentCardsFile, pdpNoticeFile, pdpNoticeOf } from '../../io/pdf/incident-documents.js';
import type { Incident, Store } from '../../store/index.js';
import { renderTable, storeOptions, withStore } from '../shared.js';
import type { StoreOpts } from '../shared.js';

/** An incident by number (INS-2025-0007) or id; the CLI runs with the city-wide view. */
async function find(store: Store, ref: string): Promise<Incident> {
  return /^INS-\d{4}-\d+$/i.test(ref.trim()) ? store.incidents.byNumber('all', ref) : store.incidents.get('all', ref);
}

export function incidentCommand(): Command {
  const cmd = new Command('incident').description('incidents: the queue, one incident, and the BSSN report / personal-data notice as JSON');
  cmd.addCommand(
    storeOptions(new Command('list'))
      .description('list incidents, newest first')
      .option('--agency <code>', 'only this agency')
      .addOption(new Option('--phase <phase>', 'only this phase').choices([...PHASES]))
      .option('--open', 'only incidents not closed')
      .addOption(new Option('--format <f>', 'output').choices(['table', 'json']).default('table'))
      .action(async (o: StoreOpts & { agency?: string; phase?: Phase; open?: boolean; format: string }) => {
        await withStore(o, async (store) => {
          const agencyId = o.agency !== undefined ? (await store.agencies.getByCode('all', o.agency)).id : undefined;
          const items: Incident[] = [];
          let cursor: string | undefined;
          do {
            const page = await store.incidents.list('all', { ...(agencyId !== undefined ? { agencyId } : {}), ...(o.phase !== undefined ? { phase: o.phase } : {}), ...(o.open === true ? { open: true } : {}), limit: 500, ...(cursor !== undefined ? { cursor } : {}) });
            for (const i of page.items) items.push(i);
            cursor = page.next ?? undefined;
          } while (cursor !== undefined);
          if (o.format === 'json') {
            process.stdout.write(`${JSON.stringify(items, null, 2)}\n`);
            return;
          }
          const codes = new Map((await store.agencies.list('all', { includeRetired: true })).map((a) => [a.id, a.code]));
          const rows = items.map((i) => [i.number, codes.get(i.agencyId) ?? '?', i.phase, i.classification ?? '-', i.severity ?? '-', `${i.vital ? 'IIV ' : ''}${i.personalData ? 'PDP' : ''}`.trim() || '-', i.foundAt, i.title]);
          process.stdout.write(items.length === 0 ? 'no incidents\n' : renderTable(['NUMBER', 'AGENCY', 'PHASE', 'CLASS', 'SEVERITY', 'FLAGS', 'FOUND', 'TITLE'], rows));
        });
      }),
  );
  cmd.addCommand(
    storeOptions(new Command('show'))
      .description('one incident: its fields, clocks and timeline')
      .argument('<incident>', 'number (INS-2025-0007) or id')
      .addOption(new Option('--format <f>', 'output').choices(['text', 'json']).default('text'))
      .action(async (ref: string, o: StoreOpts & { format: string }) => {
        await withStore(o, async (store) => {
          const i = await find(store, ref);
          const [clocks, timeline, assets, settings] = [await store.incidents.clocks('all', i.id), await store.incidents.timeline('all', i.id), await store.incidents.assets('all', i.id), await store.incidents.settings()];
          if (o.format === 'json') {
            process.stdout.write(`${JSON.stringify({ incident: i, clocks, assets, timeline }, null, 2)}\n`);
            return;
          }
          const tz = settings.timeZone;
          const agency = await store.agencies.get('all', i.agencyId);
          const lines = [
            `${i.number}  ${i.title}`,
            `agency ${agency.code} (${agency.name}); phase ${i.phase}; class ${i.classification ?? '-'}; severity ${i.severity ?? '-'}; risk ${i.riskLevel ?? '-'}; IIV ${i.vital ? `yes (${i.sector ?? 'sector not set'})` : 'no'}; personal data ${i.personalData ? 'yes' : 'no'}`,
            `found ${localTime(i.foundAt, tz)}; reported ${localTime(i.reportedAt, tz)}${i.closedAt !== null ? `; closed ${localTime(i.closedAt, tz)} by ${i.closure?.declaredBy ?? '?'}` : ''}`,
            '', 'clocks:',
            ...clocks.map((c) => `  ${c.id.padEnd(15)} ${c.state.padEnd(9)} due ${localTime(c.dueAt, tz)}${c.metAt !== null ? `, met ${localTime(c.metAt, tz)}` : ''}`),
            '', `assets (${assets.length}):`,
            ...assets.map((a) => `  ${a.ip.padEnd(16)} ${(a.netbiosName ?? a.dnsName ?? '').padEnd(16)} ${a.openFindings.map((f) => f.ruleId).join(', ') || 'no open findings'}`),
            '', 'timeline:',
            ...timeline.map((e) => `  ${localTime(e.at, e.tz)}  ${e.source.padEnd(8)} ${e.includeInReport ? '*' : ' '} ${e.text.id}`),
          ];
          process.stdout.write(`${lines.join('\n')}\n`);
        });
      }),
  );
  cmd.addCommand(
    storeOptions(new Command('export'))
      .description('the BSSN "Laporan Insiden Siber" (initial/update/final), the personal-data notice draft, or the step cards of its playbooks, as JSON or PDF')
      .argument('<incident>', 'number (INS-2025-0007) or id')
      .addOption(new Option('--type <t>', 'which document (default: initial before a BSSN send, update after, final once closed); cards: PDF only').choices([...BSSN_REPORT_TYPES, 'pdp', 'cards']))
      .addOption(new Option('--assistance <a>', 'help asked of BSSN').choices([...ASSISTANCE]).default('none'))
      .addOption(new Option('--format <f>', 'output').choices(['json', 'pdf']).default('json'))
      .addOption(new Option('--lang <l>', 'language of the PDF').choices([...LANGS]).default('id'))
      .option('-o, --output <file>', 'write to a file instead of standard output')
      .action(async (ref: string, o: StoreOpts & { type?: BssnReportType | 'pdp' | 'cards'; assistance: Assistance; format: 'json' | 'pdf'; lang: Lang; output?: string }) => {
        await withStore(o, async (store) => {
          const i = await find(store, ref);
          const at = new Date().toISOString();
          if (o.type === 'cards' && o.format !== 'pdf') throw validationError('--type cards: the step cards are a PDF (add --format pdf)', { field: 'format' });
          let out: Buffer;
          if (o.format === 'pdf') {
            out = o.type === 'pdp' ? (await pdpNoticeFile(store, 'all', i.id, { at, lang: o.lang })).pdf
              : o.type === 'cards' ? await incidentCardsFile(store, 'all', i.id, { at, lang: o.lang })
              : (await bssnReportFile(store, 'all', i.id, { type: o.type, assistance: o.assistance, at, lang: o.lang })).pdf;
          } else {
            const doc = o.type === 'pdp' ? (await pdpNoticeOf(store, 'all', i.id, at)).notice : (await bssnReportOf(store, 'all', i.id, { type: o.type as BssnReportType | undefined, assistance: o.assistance, at })).report;
            out = Buffer.from(`${JSON.stringify(doc, null, 2)}\n`);
          }
          if (o.output !== undefined) await writeFile(o.output, out);
          else process.stdout.write(out);
        });
      }),
  );
  return cmd;
}

/** Register `perisai incident` on the root program (src/cli/main.ts). */
export function addIncidentCommands(program: Command): void {
  const c = incidentCommand();
  for (const sub of c.commands) sub.exitOverride();
  program.addCommand(c.exitOverride());
}
