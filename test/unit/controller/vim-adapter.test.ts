import { describe, expect, it } from 'vitest';
import { DEFAULT_VIMS, VimRegistry, agentVim } from '../../../src/controller/vim/vim-adapter.js';
import type { NodeRecord } from '../../../src/model/node.js';

const node = (runtimes: string[]): NodeRecord => ({ runtimes, name: 'n', address: '', locator: 'fc00::/48', labels: {}, features: {} as NodeRecord['features'], interfaces: [], state: 'READY', lastHeartbeat: '' });

describe('VIM adapters', () => {
  it('the agent adapter serves nodes whose agent offers the netns runtime, and hands the instance over as is', () => {
    expect(DEFAULT_VIMS.forNode(node(['netns']), 'firewall')?.name).toBe('agent');
    expect(DEFAULT_VIMS.forNode(node(['qemu']), 'firewall')).toBeUndefined();
    const spec = { id: 'web-fw', slot: 1, legs: 2 as const, sids: { dx4: 'fc00:2:0:5::' }, function: { type: 'firewall' as const } };
    expect(agentVim.realize(spec)).toBe(spec);
  });

  it('the registry refuses duplicates and names the known adapters for an unknown one', () => {
    expect(() => new VimRegistry([agentVim, agentVim])).toThrow(/registered twice/);
    expect(() => DEFAULT_VIMS.get('nomad')).toThrow(/unknown VIM adapter 'nomad' \(one of agent\)/);
  });

  it('adapters are tried in registration order', () => {
    const qemu = { ...agentVim, name: 'qemu', offeredBy: (n: NodeRecord) => n.runtimes.includes('qemu') };
    const vims = new VimRegistry([qemu, agentVim]);
    expect(vims.forNode(node(['netns', 'qemu']), 'monitor')?.name).toBe('qemu');
    expect(vims.candidates('monitor')).toEqual(['qemu', 'agent']);
  });
});
