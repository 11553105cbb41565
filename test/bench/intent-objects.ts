/**
 * The 10k-chain edge intent of the agent benchmark, as a NodeIntent and as the `ip -batch` lines of
 * the kernel objects it means (one seg6 nexthop and one classifier route per chain), generated in one
 * place so both sides install exactly the same state.
 */
import type { NodeIntent } from '../../src/agent/intent/node-intent.js';
import { chainNexthopId } from '../../src/agent/plan/ids.js';
import { BENCH_DEV, BENCH_PROTO, routeDst, segmentsOf } from './objects.js';

export function edgeIntent(chains: number, generation = 1): NodeIntent {
  return {
    generation,
    edgeChains: Array.from({ length: chains }, (_, i) => ({
      chain: `c${i}`,
      id: i + 1,
      dev: BENCH_DEV,
      segments: segmentsOf(i + 1),
      classifiers: [{ dst: routeDst(i) }],
    })),
  };
}

export function edgeBatchLines(chains: number): string[] {
  const lines: string[] = [];
  for (let i = 0; i < chains; i++) {
    lines.push(`nexthop add id ${chainNexthopId(i + 1, 6)} encap seg6 mode encap segs ${segmentsOf(i + 1).join(',')} dev ${BENCH_DEV} proto ${BENCH_PROTO}`);
  }
  for (let i = 0; i < chains; i++) lines.push(`route add ${routeDst(i)} nhid ${chainNexthopId(i + 1, 6)} proto ${BENCH_PROTO}`);
  return lines;
}
