/**
 * Counts the kernel write operations a lab sends to each node: one per route, nexthop or rule
 * add/replace/delete, tunnel-source set, or `ip` configuration command. Reads (dumps, lookups,
 * counters) are not operations. The demo's claim "a chain change touches only the edge" is checked
 * against this tally of what was actually sent, never against a constant.
 */
export class OpTally {
  private readonly counts = new Map<string, number>();

  constructor(nodes: readonly string[] = []) {
    for (const n of nodes) this.counts.set(n, 0);
  }

  add(node: string, n = 1): void {
    this.counts.set(node, (this.counts.get(node) ?? 0) + n);
  }

  /** Counts per node so far (every node registered, zeros included). */
  snapshot(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }

  /** Operations per node since an earlier snapshot. */
  since(before: Record<string, number>): Record<string, number> {
    return Object.fromEntries([...this.counts].map(([node, n]) => [node, n - (before[node] ?? 0)]));
  }
}
