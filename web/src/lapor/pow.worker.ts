// The proof of work off the page's thread (pow-thread.ts starts it): thousands of digests a
// second, each awaited, would otherwise keep the phone's main thread busy while the person reads the
// form, and on plain http (no Web Crypto) the script SHA-256 would freeze it outright. One challenge per
// worker; the page terminates the worker to abort.
import { solve } from './pow';
import type { Challenge } from './pow';
import type { PowMessage } from './pow-thread';

const post = (m: PowMessage): void => postMessage(m);

onmessage = (e: MessageEvent<Challenge>) => {
  solve(e.data, (tried) => post({ type: 'progress', tried }), new AbortController().signal)
    .then((solved) => post({ type: 'done', solved }), () => post({ type: 'failed' }));
};
