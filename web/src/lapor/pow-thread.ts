// Starts the proof of work (pow.ts) in a Web Worker (pow.worker.ts). Kept apart from pow.ts, which the
// Node tests import and which needs no DOM.
import { solve } from './pow';
import type { Challenge, Solved } from './pow';

/** What the worker posts back. */
export type PowMessage = { readonly type: 'progress'; readonly tried: number } | { readonly type: 'done'; readonly solved: Solved | null } | { readonly type: 'failed' };

/**
 * The solver's worker, started before the challenge is asked for so that its script loads meanwhile
 * (one more round trip on a slow link otherwise); null where workers are missing.
 */
export function openPowWorker(): Worker | null {
  if (typeof Worker === 'undefined') return null;
  try {
    const w = new Worker(new URL('./pow.worker.ts', import.meta.url), { type: 'module' });
    // A script that fails to load says so before anyone listens: remember it.
    w.addEventListener('error', () => broken.add(w));
    return w;
  } catch {
    return null;
  }
}

const broken = new WeakSet<Worker>();

/**
 * `solve` in `worker` (openPowWorker), so the form stays responsive while it runs; in the page itself where
 * there is no worker or the worker's script cannot load. Same answer, same progress, same abort; the worker
 * is terminated at the end.
 */
export function solveOffThread(challenge: Challenge, onProgress: (tried: number) => void, signal: AbortSignal, worker: Worker | null): Promise<Solved | null> {
  if (signal.aborted) {
    worker?.terminate();
    return Promise.resolve(null);
  }
  if (worker === null || broken.has(worker)) {
    worker?.terminate();
    return solve(challenge, onProgress, signal);
  }
  return new Promise<Solved | null>((resolve, reject) => {
    const end = (): void => {
      worker.terminate();
      signal.removeEventListener('abort', aborted);
    };
    const aborted = (): void => {
      end();
      resolve(null);
    };
    signal.addEventListener('abort', aborted);
    worker.onmessage = (e: MessageEvent<PowMessage>) => {
      const m = e.data;
      if (m.type === 'progress') return onProgress(m.tried);
      end();
      if (m.type === 'done') resolve(m.solved);
      else reject(new Error('unsupported challenge'));
    };
    // The worker's script did not load (or died): solve here instead of leaving the send button waiting.
    worker.onerror = (e) => {
      e.preventDefault();
      end();
      if (signal.aborted) return resolve(null);
      solve(challenge, onProgress, signal).then(resolve, reject);
    };
    worker.postMessage(challenge);
  });
}
