#!/usr/bin/env -S node --max-semi-space-size=4
// V8 flag: a 4 MiB young generation instead of 16 MiB keeps a /16 sweep under 100 MB peak RSS at no cost in
// speed (docs/performance.md, "Memory"). The ./perisai launcher passes the same flag.
// The `perisai` command. Thin: parses arguments, calls the engine, maps errors to documented exit codes.
import { Command, CommanderError } from 'commander';
import { CliError, EXIT } from './errors.js';
import { addAlertCommands } from './commands/alerts.js';
import { addMonitoringCommands } from './commands/monitoring.js';
import { addInventoryCommands } from './commands/inventory.js';
import { addIncidentCommands } from './commands/incidents.js';
import { isInputError, loadVersion, runScanCommand, scanCommand, VERSION } from './scan-command.js';

/** nmap users type -iL; commander only knows single-letter short flags, so translate it up front. */
export function normaliseArgv(argv: readonly string[]): string[] {
  return argv.map((a) => (a === '-iL' ? '--input-list' : a.startsWith('-iL') && a.length > 3 ? `--input-list=${a.slice(3)}` : a));
}

export async function main(argv: readonly string[]): Promise<number> {
  await loadVersion();
  const program = new Command('perisai')
    .description('Perisai: find and track WannaCry-style ransomware exposure (SMB, RDP, SMBv1, MS17-010) in the networks you defend')
    .version(VERSION)
    .showSuggestionAfterError()
    .exitOverride();
  program.addCommand(scanCommand(runScanCommand).exitOverride());
  addAlertCommands(program);
  addMonitoringCommands(program);
  addInventoryCommands(program);
  addIncidentCommands(program);
  try {
    await program.parseAsync(normaliseArgv(argv), { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.OK;
  } catch (err) {
    if (err instanceof CommanderError) {
      // help and version end here with code 0; commander already printed the message
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return EXIT.OK;
      return EXIT.USAGE;
    }
    if (err instanceof CliError) {
      process.stderr.write(`perisai: error: ${err.message}\n`);
      return err.exitCode;
    }
    if (isInputError(err)) {
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
