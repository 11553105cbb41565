import { describe, expect, it } from 'vitest';
import { camelFieldPath, protoFieldPath } from '../../../src/common/grpc/field-path.js';

describe('field paths', () => {
  it('convert between domain (camelCase) and proto (snake_case) spellings', () => {
    const pairs: [string, string][] = [
      ['edgeChains[2].classifiers[0].dst', 'edge_chains[2].classifiers[0].dst'],
      ['localSids[0].behavior.endB6Encaps.hmacKeyId', 'local_sids[0].behavior.end_b6_encaps.hmac_key_id'],
      ['localSids[1].behavior.endDt46.vrfTable', 'local_sids[1].behavior.end_dt46.vrf_table'],
      ['instances[3].sids.dx4', 'instances[3].sids.dx4'],
    ];
    for (const [camel, snake] of pairs) {
      expect(protoFieldPath(camel)).toBe(snake);
      expect(camelFieldPath(snake)).toBe(camel);
    }
  });
});
