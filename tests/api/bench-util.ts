// What the API benches share: a percentile, and timing GET endpoints through the whole stack (app.inject)
// after a warm-up, printed as the Markdown rows docs/performance.md records.

import type { Client } from './fixture.js';

export function pct(xs: readonly number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
}

/** `n` timed requests per endpoint after 20 warm-up ones; a non-200 answer stops the bench. */
export async function timeGets(endpoints: readonly (readonly [string, Client, string])[], n: number, write = (s: string) => void process.stdout.write(s)): Promise<void> {
  for (const [name, client, path] of endpoints) {
    for (let i = 0; i < 20; i++) await client.req('GET', path);
    const times: number[] = [];
    for (let i = 0; i < n; i++) {
      const s = performance.now();
      const r = await client.req('GET', path);
      times.push(performance.now() - s);
      if (r.statusCode !== 200) throw new Error(`${name}: ${r.statusCode} ${r.body.slice(0, 200)}`);
    }
    write(`| \`${name}\` | ${pct(times, 50).toFixed(1)} / **${pct(times, 99).toFixed(1)}** |\n`);
  }
}
