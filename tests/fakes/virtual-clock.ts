// Deadline tests on a virtual clock. node:test's mock timers replace setTimeout, setInterval and Date, so
// the engine's deadlines (and the fakes' trickles and stalls) fire at virtual times that a loaded 2-core
// machine cannot stretch: "ended by the deadline" becomes a statement about the engine's timers, not about
// how busy the machine was. Socket I/O on loopback still happens for real: before every virtual step the
// event loop turns (setImmediate is not mocked), so what is already on the wire is read before time moves on.
import { mock } from 'node:test';

const TURNS = 20;

async function settle(): Promise<void> {
  for (let i = 0; i < TURNS; i++) await new Promise<void>((r) => setImmediate(r));
}

/** Run `work` with virtual timers, advancing `stepMs` at a time; returns its value and the virtual time it took. */
export async function onVirtualClock<T>(work: () => Promise<T>, opts: { stepMs?: number; limitMs?: number } = {}): Promise<{ value: T; virtualMs: number }> {
  const step = opts.stepMs ?? 10;
  const limit = opts.limitMs ?? 120_000;
  mock.timers.enable({ apis: ['setTimeout', 'setInterval', 'Date'], now: Date.now() });
  try {
    let outcome: { ok: true; value: T } | { ok: false; error: unknown } | undefined;
    const running = work().then((value) => void (outcome = { ok: true, value }), (error: unknown) => void (outcome = { ok: false, error }));
    let virtualMs = 0;
    await settle();
    while (outcome === undefined) {
      if (virtualMs >= limit) throw new Error(`still running after ${limit} virtual ms`);
      mock.timers.tick(step);
      virtualMs += step;
      await settle();
    }
    await running;
    if (!outcome.ok) throw outcome.error;
    return { value: outcome.value, virtualMs };
  } finally {
    mock.timers.reset();
  }
}
