import { describe, expect, it } from 'vitest';
import { demoChanges } from '../../../src/lab/demo/demo-changes.js';
import type { ChainSpec } from '../../../src/model/chain.js';

const base: ChainSpec = {
  ingress: { node: 'edge1', match: { destinations: ['10.2.0.0/24'] } },
  egress: { node: 'edge2' },
  functions: [
    { name: 'firewall', type: 'firewall', placement: { node: 'fn1' } },
    { name: 'nat', type: 'nat', config: { mode: 'snat', toAddress: '203.0.113.1' }, placement: { node: 'fn1' } },
    { name: 'monitor', type: 'monitor', placement: { node: 'fn2' } },
  ],
};

describe('the demo reconfigurations', () => {
  it('insert an IDS, move it first, then remove the monitor, keeping everything else', () => {
    const changes = demoChanges(base);
    expect(changes.map((c) => [c.name, c.spec.functions.map((f) => f.name)])).toEqual([
      ['insert', ['firewall', 'ids', 'nat', 'monitor']],
      ['reorder', ['ids', 'firewall', 'nat', 'monitor']],
      ['remove', ['ids', 'firewall', 'nat']],
    ]);
    for (const c of changes) {
      expect(c.spec.ingress).toBe(base.ingress);
      expect(c.spec.functions.find((f) => f.name === 'nat')).toBe(base.functions[1]);
    }
  });

  it('says what it needs when the chain file has other functions', () => {
    expect(() => demoChanges({ ...base, functions: base.functions.slice(0, 2) })).toThrow(/no function monitor/);
  });
});
