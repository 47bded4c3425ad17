// An enrolled segment worker's credential (docs/api.md "Enrolled segment workers"): "psw_" + the worker's
// id (a UUID) + "." + base64url of 32 random bytes (43 characters). One format for the three places that
// meet it: the core checks it (src/api/access.ts), a worker makes one to propose at enrolment
// (src/worker/agent-client.ts), and the core makes one for a client that proposes none
// (src/api/routes/agent.ts).

/** A worker id as the API takes it (a lower-case UUID), without anchors. */
export const WORKER_ID_PATTERN = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

/** A whole credential; group 1 is the worker id. */
export const WORKER_CREDENTIAL = new RegExp(`^psw_(${WORKER_ID_PATTERN})\\.[A-Za-z0-9_-]{43}$`);

/** The credential of `workerId` with `secret` (base64url of 32 random bytes, drawn by the caller). */
export function workerCredential(workerId: string, secret: string): string {
  return `psw_${workerId}.${secret}`;
}
