// A Server-Sent Events client for the API tests (a real HTTP connection: app.inject cannot stream), shared by
// the scan progress and circular board stream tests.

import assert from 'node:assert/strict';
import { get } from 'node:http';

export function sse(base: string, path: string, cookie: string): { events: { event: string; data: unknown }[]; next(event: string, ms?: number): Promise<{ event: string; data: unknown }>; status: Promise<number>; close(): void } {
  const events: { event: string; data: unknown }[] = [];
  const waiters: (() => void)[] = [];
  let buf = '';
  let resolveStatus!: (n: number) => void;
  const status = new Promise<number>((r) => (resolveStatus = r));
  const req = get(`${base}${path}`, { headers: { cookie: `perisai_session=${cookie}`, accept: 'text/event-stream' } }, (res) => {
    resolveStatus(res.statusCode ?? 0);
    assert.match(String(res.headers['content-type']), /^text\/event-stream/);
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      buf += chunk;
      let i: number;
      while ((i = buf.indexOf('\n\n')) >= 0) {
        const block = buf.slice(0, i);
        buf = buf.slice(i + 2);
        const ev = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (ev !== undefined && data !== undefined) events.push({ event: ev, data: JSON.parse(data) });
        for (const w of waiters.splice(0)) w();
      }
    });
  });
  req.on('error', () => {});
  return {
    events, status,
    close: () => req.destroy(),
    next: async (event, ms = 10_000) => {
      const deadline = Date.now() + ms;
      for (;;) {
        const e = events.find((x) => x.event === event);
        if (e !== undefined) return e;
        if (Date.now() > deadline) throw new Error(`no "${event}" event within ${ms} ms; got ${JSON.stringify(events)}`);
        await new Promise<void>((r) => {
          waiters.push(r);
          setTimeout(r, 100);
        });
      }
    },
  };
}
