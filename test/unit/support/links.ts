import type { LinkNames } from '../../../src/dataplane/seg6/encap.js';

/** A two-interface namespace for pure codec tests: d0 is index 5, d1 index 6. */
export const STUB_LINKS: LinkNames = {
  index: (name) => ({ d0: 5, d1: 6 })[name] ?? 0,
  name: (index) => ({ 5: 'd0', 6: 'd1' })[index] ?? `if${index}`,
};
