// What a finished scan means for circulars (docs/circulars.md "Verification"), called by finalize.ts once
// the scan's transaction has committed:
//  - per registered network the job covered whole, and per finding rule the job could judge, what it said
//    (the hosts it could only answer `unknown` about) is recorded (domain networkRuleChecks);
//  - every sent circular addressed to an agency owning such a network has that agency's answers
//    re-verified; an item that turns `contradicted` raises a `circular.contradicted` alert naming the
//    hosts, so the office hears of it without watching the board.
// Outside the scan's transaction on purpose: nothing here may undo what the scan stored. A failure is
// logged; the office can re-verify an agency from the board (POST …/verify).

import { networkRuleChecks } from '../domain/circular.js';
import type { Store } from '../store/index.js';

export async function afterScanForCirculars(store: Store, jobId: string, log: (line: string) => void = () => {}): Promise<void> {
  try {
    const job = await store.scans.getJob('all', jobId);
    if (job.status !== 'completed' || job.finishedAt === null) return;
    const networks = (await store.networks.list('all')).map((n) => ({ id: n.id, agencyId: n.agencyId, cidr: n.cidr }));
    const checks = networkRuleChecks({ id: job.id, finishedAt: job.finishedAt, targets: job.targets, ports: job.ports, checks: job.checks, vantage: job.vantage }, networks, await store.circulars.unknownVerdicts(jobId));
    if (checks.length === 0) return;
    await store.circulars.recordNetworkChecks(checks);
    for (const { circularId, agencyId } of await store.circulars.activeFor([...new Set(checks.map((c) => c.agencyId))])) {
      const changes = await store.circulars.verifyAgency(circularId, agencyId);
      const contradicted = changes.filter((c) => c.to.state === 'contradicted');
      if (contradicted.length === 0) continue;
      const c = await store.circulars.get(circularId);
      await store.outbox.enqueue(contradicted.map((x) => {
        const item = c.content.items.find((i) => i.code === x.itemCode);
        const ips = [...new Set(x.to.hosts.map((h) => h.ip))];
        return {
          topic: 'circular.contradicted', dedupKey: `circular.contradicted:${circularId}:${agencyId}:${x.itemCode}:${jobId}`, agencyId,
          payload: {
            circularId, number: c.number, itemCode: x.itemCode, hosts: ips, jobId, severity: 'critical', ruleId: x.to.hosts[0]?.ruleId ?? null, ip: ips[0] ?? null,
            title: { id: `Dibantah pemindaian: "${item?.title.id ?? x.itemCode}" dinyatakan selesai, tetapi ${ips.length} host masih terdeteksi`, en: `Contradicted by a scan: "${item?.title.en ?? x.itemCode}" was attested done, but ${ips.length} host(s) still show it` },
            detail: { id: `Host: ${ips.slice(0, 20).join(', ')}`, en: `Hosts: ${ips.slice(0, 20).join(', ')}` },
          },
        };
      }));
    }
  } catch (e) {
    log(`circulars after scan ${jobId}: ${(e as Error).message}`);
  }
}
