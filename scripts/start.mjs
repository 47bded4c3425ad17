// `npm start`: run `perisai serve` from this checkout, building first only what is missing or older than its
// sources (a rebuild of everything takes ~20 s; a start should not). The server half (tsc: dist/) is stale when
// a file under src/, tsconfig.json or package.json is newer than dist/src/cli/main.js; the web half (vite:
// web/dist/) when a file under web/ (but web/dist/) is newer than web/dist/index.html. Arguments after
// `npm start --` go to `serve`; SIGINT/SIGTERM are passed on so `serve` stops cleanly.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const at = (...p) => join(root, ...p);

/** The newest modification time (ms) of the files under `paths`, skipping `skip` folders. */
function newest(paths, skip = new Set()) {
  let t = 0;
  const visit = (p) => {
    if (!existsSync(p) || skip.has(p)) return;
    const s = statSync(p);
    if (s.isDirectory()) for (const n of readdirSync(p)) visit(join(p, n));
    else t = Math.max(t, s.mtimeMs);
  };
  for (const p of paths) visit(p);
  return t;
}

const builtAt = (file) => (existsSync(file) ? statSync(file).mtimeMs : -1);

function run(what, args) {
  process.stderr.write(`npm start: ${what}\n`);
  const r = spawnSync('npm', args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

if (builtAt(at('dist', 'src', 'cli', 'main.js')) < newest([at('src'), at('tsconfig.json'), at('package.json')])) {
  run('the server is missing or older than src/: building it (tsc)', ['exec', '--', 'tsc', '-p', 'tsconfig.json']);
}
if (builtAt(at('web', 'dist', 'index.html')) < newest([at('web')], new Set([at('web', 'dist')]))) {
  run('the web application is missing or older than web/: building it (vite)', ['run', 'build:web']);
}

const child = spawn(process.execPath, ['--max-semi-space-size=4', at('dist', 'src', 'cli', 'main.js'), 'serve', ...process.argv.slice(2)], { stdio: 'inherit' });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal !== null ? 128 : 1)));
