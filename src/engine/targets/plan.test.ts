import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CONFIRM_HOSTS_THRESHOLD, planSize } from './plan.js';
import { parsePorts } from './ports.js';
import { buildTargetSet } from './spec.js';

describe('planSize', () => {
  it('multiplies hosts by ports', async () => {
    const set = await buildTargetSet(['198.18.0.0/24', '::1']);
    assert.deepEqual(planSize(set, parsePorts('ransomware')), {
      hosts: 257,
      ports: 8,
      probes: 2056,
      exceedsSlash16: false,
      orderable: true,
    });
    assert.equal(planSize(set, 3).probes, 771);
  });

  it('flags more than a /16 worth of hosts (exactly a /16 is fine)', async () => {
    assert.equal(CONFIRM_HOSTS_THRESHOLD, 65536);
    assert.equal(planSize(await buildTargetSet(['198.18.0.0/16']), [445]).exceedsSlash16, false);
    const big = planSize(await buildTargetSet(['198.18.0.0/15']), [445]);
    assert.equal(big.hosts, 131072);
    assert.equal(big.exceedsSlash16, true);
    assert.equal(planSize({ size: 65537 }, 1).exceedsSlash16, true);
  });

  it('handles empty plans and the permutation limit', () => {
    assert.deepEqual(planSize({ size: 0 }, []), { hosts: 0, ports: 0, probes: 0, exceedsSlash16: false, orderable: true });
    const all = planSize({ size: 2 ** 32 }, 65535);
    assert.equal(all.probes, 2 ** 32 * 65535);
    assert.equal(all.orderable, true);
    assert.equal(planSize({ size: 2 ** 40 }, 65535).orderable, false);
  });
});
