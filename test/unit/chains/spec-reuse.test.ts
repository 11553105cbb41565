/** The pieces the controller reuses outside YAML: the spec reader and the defaults. */
import { describe, expect, it } from 'vitest';
import { Violations } from '../../../src/common/errors.js';
import { withDefaults } from '../../../src/chains/defaults.js';
import { readChainSpec } from '../../../src/chains/validate-document.js';
import type { ChainSpec } from '../../../src/model/chain.js';

const spec: ChainSpec = {
  ingress: { node: 'edge1', match: { destinations: ['10.2.0.0/24'] } },
  egress: { node: 'edge2' },
  functions: [{ name: 'fw', type: 'firewall' }, { name: 'mon', type: 'monitor', sr: 'aware' }],
};

describe('readChainSpec', () => {
  it('checks a spec from any source with the same rules and paths', () => {
    const withProxies: ChainSpec = { ...spec, proxy: 'auto', functions: [{ name: 'fw', type: 'firewall', proxy: 'dynamic' }, { name: 'mon', type: 'monitor', sr: 'aware' }] };
    expect(readChainSpec(new Violations(), 'spec', withProxies)).toEqual(withProxies);
    const v = new Violations();
    expect(readChainSpec(v, 'spec', spec)).toEqual(spec);
    expect(v.list).toEqual([]);
    const bad = new Violations();
    expect(readChainSpec(bad, 'chain.spec', { ...spec, functions: [{ name: 'x', type: 'ids' }] })).toBeUndefined();
    expect(bad.list).toEqual([{ field: 'chain.spec.functions[0].type', description: "unknown function type 'ids' (one of firewall, nat, monitor, responder)" }]);
  });
});

describe('withDefaults', () => {
  it('makes the documented defaults explicit and keeps what is set', () => {
    expect(withDefaults(spec)).toEqual({
      ...spec,
      egress: { node: 'edge2', decap: 'auto' },
      functions: [
        { name: 'fw', type: 'firewall', sr: 'unaware' },
        { name: 'mon', type: 'monitor', sr: 'aware' },
      ],
      proxy: 'auto',
    });
    expect(withDefaults({ ...spec, proxy: 'dynamic', egress: { node: 'e', decap: 'dx' } })).toMatchObject({ proxy: 'dynamic', egress: { decap: 'dx' } });
  });

  it('leaves a function\'s proxy as declared: absent inherits the chain\'s', () => {
    const mixed: ChainSpec = { ...spec, proxy: 'static', functions: [{ name: 'fw', type: 'firewall', proxy: 'dynamic' }, { name: 'mon', type: 'monitor' }] };
    const d = withDefaults(mixed);
    expect(d.proxy).toBe('static');
    expect(d.functions).toEqual([
      { name: 'fw', type: 'firewall', sr: 'unaware', proxy: 'dynamic' },
      { name: 'mon', type: 'monitor', sr: 'unaware' },
    ]);
    expect('proxy' in d.functions[1]!).toBe(false);
  });
});
