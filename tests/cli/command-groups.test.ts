// main.ts loads a command group only when one of its commands runs, so its table of group → command names
// must list exactly what each group registers: otherwise a command would be missing from `perisai NAME`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Command } from 'commander';
import { COMMAND_GROUPS, groupsFor } from '../../src/cli/main.js';

test('every command group registers exactly the names main.ts routes to it', async () => {
  const seen = new Set<string>();
  for (const g of COMMAND_GROUPS) {
    const program = new Command('perisai');
    await g.register(program);
    assert.deepEqual(program.commands.map((c) => c.name()).sort(), [...g.names].sort(), `group ${g.names.join(',')}`);
    for (const n of g.names) {
      assert.ok(!seen.has(n), `${n} is routed to two groups`);
      seen.add(n);
    }
  }
});

test('the command line picks one group; help, no command or an unknown word load all', () => {
  assert.deepEqual(groupsFor(['scan', '127.0.0.1', '-p', '445']).map((g) => g.names[0]), ['scan']);
  assert.deepEqual(groupsFor(['help', 'incident']).map((g) => g.names[0]), ['incident']);
  assert.deepEqual(groupsFor(['schedule', 'list']).map((g) => g.names), [['serve', 'worker', 'schedule', 'diff']]);
  assert.equal(groupsFor([]).length, COMMAND_GROUPS.length);
  assert.equal(groupsFor(['--help']).length, COMMAND_GROUPS.length);
  assert.equal(groupsFor(['scna']).length, COMMAND_GROUPS.length);
});
