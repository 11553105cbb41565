/** Family (4 | 6) ↔ srv6sfc.agent.v1.AddressFamily. */
import { EnumTable } from '../../common/grpc/enum-table.js';
import type { Family } from '../../common/ip.js';

export const ADDRESS_FAMILY = new EnumTable(
  { 4: 'ADDRESS_FAMILY_IPV4', 6: 'ADDRESS_FAMILY_IPV6' } as const satisfies Record<Family, string>,
  (k) => Number(k) as Family,
);
