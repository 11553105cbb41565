/**
 * Our codec against bytes the kernel itself produced (test/golden/seg6-golden.json, captured by
 * test/golden/capture.ts from routes added with iproute2): encode(x) = kernel bytes and
 * decode(kernel bytes) = x, for every encap mode and behaviour this kernel has.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { encodeAttrs } from '../../../src/dataplane/seg6/attrs.js';
import { type LinkNames, decodeEncap, encapAttrs, encapTypeNumber, normalizeEncap } from '../../../src/dataplane/seg6/encap.js';
import type { Golden } from '../../golden/capture.js';
import { GOLDEN_FILE } from '../../golden/capture.js';
import { NEXTHOP_CASES, ROUTE_CASES } from '../../golden/cases.js';

const golden = JSON.parse(readFileSync(GOLDEN_FILE, 'utf8')) as Golden;
const links: LinkNames = {
  index: (n) => {
    const i = golden.links[n];
    if (i === undefined) throw new Error(`no link ${n} in the capture`);
    return i;
  },
  name: (i) => Object.entries(golden.links).find(([, v]) => v === i)?.[0] ?? `if${i}`,
};

describe('golden kernel bytes', () => {
  it('covers every case', () => {
    expect(Object.keys(golden.routes).sort()).toEqual(ROUTE_CASES.map((c) => c.name).sort());
    expect(Object.keys(golden.nexthops).sort()).toEqual(NEXTHOP_CASES.map((c) => c.name).sort());
  });

  const cases = [
    ...ROUTE_CASES.map((c) => ({ name: `route ${c.name}`, encap: c.route.encap!, g: golden.routes[c.name]! })),
    ...NEXTHOP_CASES.map((c) => ({ name: `nexthop ${c.name}`, encap: c.nexthop.encap!, g: golden.nexthops[c.name]! })),
  ];
  for (const { name, encap, g } of cases) {
    it(`${name}: encode equals the kernel's bytes`, () => {
      expect(encapTypeNumber(encap)).toBe(g.encapType);
      expect(encodeAttrs(encapAttrs(encap, links)).toString('hex')).toBe(g.hex);
    });
    it(`${name}: decode gives the object back`, () => {
      expect(normalizeEncap(decodeEncap(g.encapType, Buffer.from(g.hex, 'hex'), links))).toEqual(normalizeEncap(encap));
    });
  }
});
