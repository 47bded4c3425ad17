// A live view as Server-Sent Events (WHATWG HTML §9.2), shared by the scan progress stream and the circular
// board: the route answers 404 before the stream opens (like every other route), then the stream asks
// `poll` every interval what to send. The stream outlives the request that opened it, so each tick first
// checks the session: logging out (or an administrator revoking it) ends the stream at the next tick
// instead of after `maxStreamMs`. A store error is said in the stream and ends it; the client decides.

import type { FastifyReply, FastifyRequest } from 'fastify';
import { PerisaiError } from '../domain/errors.js';
import type { Store } from '../store/index.js';

/** What a tick sends: an event (and maybe ends the stream), or nothing new (a comment keeps proxies from timing out). */
export type Tick = { readonly event: string; readonly data: unknown; readonly end?: boolean } | { readonly unchanged: string; readonly end?: undefined };

export function eventStream(request: FastifyRequest, reply: FastifyReply, o: {
  store: Store; clock: () => Date; streams: Set<() => void>; intervalMs: number; maxStreamMs: number; what: string; poll: () => Promise<Tick>;
}): void {
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache, no-transform', connection: 'keep-alive',
    'x-accel-buffering': 'no', 'x-content-type-options': 'nosniff', 'x-request-id': request.id,
  });
  res.write('retry: 3000\n\n');
  let seq = 0;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  const started = Date.now();
  const stop = (): void => {
    if (closed) return;
    closed = true;
    if (timer !== undefined) clearTimeout(timer);
    o.streams.delete(stop);
    res.end();
  };
  o.streams.add(stop);
  request.raw.on('close', stop);
  // JSON never contains a raw newline, so one `data:` line per event (§9.2.6 field parsing).
  const send = (event: string, data: unknown): void => void res.write(`id: ${++seq}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  const sessionHash = request.session?.idHash;
  const tick = async (): Promise<void> => {
    if (closed) return;
    try {
      const session = sessionHash === undefined ? undefined : await o.store.sessions.find(sessionHash);
      if (session === undefined || session.revokedAt !== null || Date.parse(session.expiresAt) <= o.clock().getTime()) {
        send('error', { code: 'E_AUTH' });
        stop();
        return;
      }
      const t = await o.poll();
      if ('event' in t) send(t.event, t.data);
      else if ('unchanged' in t) res.write(`: ${t.unchanged}\n\n`);
      if (t.end === true || Date.now() - started > o.maxStreamMs) {
        stop();
        return;
      }
    } catch (e) {
      const code = e instanceof PerisaiError ? e.code : 'E_INTERNAL';
      send('error', { code });
      if (!(e instanceof PerisaiError)) request.log.error({ err: e }, `${o.what} event stream failed`);
      stop();
      return;
    }
    timer = setTimeout(() => void tick(), o.intervalMs);
  };
  void tick();
}
