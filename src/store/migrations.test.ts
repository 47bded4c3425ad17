// The migration files and the runner's list agree: every file under migrations/ is listed, in name order,
// under its own file name, so a migration written but not registered cannot silently never run.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { openDialect } from './dialect.js';
import { migrations } from './migrations.js';

test('every file in migrations/ is registered once, in name order, under its file name', async () => {
  const dir = fileURLToPath(new URL('./migrations/', import.meta.url));
  const files = readdirSync(dir)
    .filter((f) => /^\d{4}_[a-z0-9_]+\.(js|ts)$/.test(f))
    .map((f) => f.replace(/\.(js|ts)$/, ''))
    .sort();
  assert.ok(files.length >= 6, `expected the migration files in ${dir}, found ${files.length}`);
  const d = openDialect({ kind: 'sqlite', path: ':memory:' });
  try {
    const names = Object.keys(migrations(d));
    assert.deepEqual(names, [...names].sort(), 'the list is in name order');
    assert.deepEqual(names, files, 'each file is listed under its own name, and nothing else is');
  } finally {
    await d.db.destroy();
  }
});
