#!/usr/bin/env -S node --max-semi-space-size=4
// V8 flag: a 4 MiB young generation instead of 16 MiB keeps a /16 sweep under 100 MB peak RSS at no cost in
// speed (docs/performance.md, "Memory"). The ./perisai launcher passes the same flag.
// The `perisai` command. Thin: parses arguments, calls the engine, maps errors to documented exit codes.
//
// Command groups load only when one of their commands runs (dynamic import per group): the monitoring group
// alone pulls in Fastify, Kysely, pg, pg-boss and exceljs, about a second of start-up that `perisai scan` must
// not pay (docs/performance.md, "Start-up"). tests/cli/module-graph.test.ts proves the scan path stays clear of
// them; tests/cli/command-groups.test.ts proves COMMAND_GROUPS names every command each group registers.
import { Command, CommanderError } from 'commander';
import { CliError, EXIT } from './errors.js';
import { TargetSpecError, PortSpecError } from '../engine/targets/errors.js';
import { loadVersion, VERSION } from './version.js';
import { controlCharacterArgument, escapeForTerminal } from '../domain/text.js';

/** One command group: the top-level command names it registers, and how to load and register it. */
export interface CommandGroup {
  readonly names: readonly string[];
  readonly register: (program: Command) => Promise<void>;
}

export const COMMAND_GROUPS: readonly CommandGroup[] = [
  {
    names: ['scan'],
    register: async (p) => {
      const { scanCommand } = await import('./commands/scan.js');
      p.addCommand(scanCommand().exitOverride());
    },
  },
  { names: ['alert', 'secrets'], register: async (p) => (await import('./commands/alerts.js')).addAlertCommands(p) },
  { names: ['serve', 'worker', 'schedule', 'diff'], register: async (p) => (await import('./commands/monitoring.js')).addMonitoringCommands(p) },
  {
    names: ['agency', 'network', 'asset', 'findings', 'import', 'export', 'backup', 'restore'],
    register: async (p) => (await import('./commands/inventory.js')).addInventoryCommands(p),
  },
  { names: ['incident'], register: async (p) => (await import('./commands/incidents.js')).addIncidentCommands(p) },
  { names: ['circular'], register: async (p) => (await import('./commands/circulars.js')).addCircularCommands(p) },
];

/** nmap users type -iL; commander only knows single-letter short flags, so translate it up front. */
export function normaliseArgv(argv: readonly string[]): string[] {
  return argv.map((a) => (a === '-iL' ? '--input-list' : a.startsWith('-iL') && a.length > 3 ? `--input-list=${a.slice(3)}` : a));
}

/**
 * The groups this command line needs: the one that owns the first word (or the word after `help`), or every
 * group when there is none or it is unknown (top-level help lists them all; a typo gets a suggestion).
 */
export function groupsFor(argv: readonly string[]): readonly CommandGroup[] {
  const words = argv.filter((a) => !a.startsWith('-'));
  const name = words[0] === 'help' ? words[1] : words[0];
  const g = name === undefined ? undefined : COMMAND_GROUPS.find((x) => x.names.includes(name));
  return g ? [g] : COMMAND_GROUPS;
}

export async function main(argv: readonly string[]): Promise<number> {
  await loadVersion();
  const program = new Command('perisai')
    .description('Perisai: find and track WannaCry-style ransomware exposure (SMB, RDP, SMBv1, MS17-010) in the networks you defend')
    .version(VERSION)
    .showSuggestionAfterError()
    .exitOverride();
  const args = normaliseArgv(argv);
  // Arguments follow the rule for text coming in (src/domain/text.ts): a control character is refused.
  const refused = controlCharacterArgument(args);
  if (refused !== undefined) {
    process.stderr.write(`perisai: error: ${refused}\n`);
    return EXIT.USAGE;
  }
  try {
    for (const g of groupsFor(args)) await g.register(program);
    await program.parseAsync(args, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.OK;
  } catch (err) {
    if (err instanceof CommanderError) {
      // help and version end here with code 0; commander already printed the message
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return EXIT.OK;
      return EXIT.USAGE;
    }
    if (err instanceof CliError) {
      process.stderr.write(`perisai: error: ${escapeForTerminal(err.message, { lines: true })}\n`);
      return err.exitCode;
    }
    if (err instanceof TargetSpecError || err instanceof PortSpecError) {
      process.stderr.write(`perisai: error: ${err.message}\n`);
      return EXIT.USAGE;
    }
    process.stderr.write(`perisai: internal error: ${(err as Error)?.message ?? String(err)}\n`);
    if (process.env.PERISAI_DEBUG) process.stderr.write(`${(err as Error)?.stack ?? ''}\n`);
    return EXIT.INTERNAL;
  }
}

// Run when executed as a program (not when imported by tests).
const invoked = process.argv[1] ?? '';
if (invoked.endsWith('/cli/main.js') || invoked.endsWith('/cli/main.ts') || invoked.endsWith('/perisai')) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      process.stderr.write(`perisai: internal error: ${(err as Error)?.message ?? String(err)}\n`);
      process.exitCode = EXIT.INTERNAL;
    },
  );
}
