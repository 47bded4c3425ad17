// The inventory commands run in-process through commander (runInventoryCli: the same exit-code mapping as
// main.ts), with their output captured, against the SQLite database `db`.
import { runInventoryCli } from '../../src/cli/commands/inventory.js';

export async function cli(db: string, ...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runInventoryCli([...argv, '--db', `sqlite://${db}`], { out: (s) => void (out += s), err: (s) => void (err += s) });
  return { code, out, err };
}
