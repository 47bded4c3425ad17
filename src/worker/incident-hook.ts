// What a finished scan means for open incidents (docs/incidents.md "Automatic links"), called by
// finalize.ts once the scan's transaction has committed:
//  - a DoublePulsar or MS17-010 finding the scan opened or reopened, on an asset of a unit with an open
//    incident (or an asset already linked to one), is linked to that incident with its asset;
//  - a scan started from an incident gets its result on the incident's timeline.
// Outside the scan's transaction on purpose: nothing here may undo what the scan stored. A failure is
// logged; the scan results are picked up again by the incident sweep (src/api/incident-sweep.ts).

import type { Store } from '../store/index.js';

export async function afterScanFinalized(store: Store, jobId: string, log: (line: string) => void = () => {}): Promise<void> {
  try {
    await store.incidents.autoLinkJobFindings(jobId);
    await store.incidents.recordScanResults(jobId);
  } catch (e) {
    log(`incidents after scan ${jobId}: ${(e as Error).message}`);
  }
}
