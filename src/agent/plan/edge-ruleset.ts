/**
 * The edge's nftables table (pure text): drop customer packets aimed at the SID space, clamp the
 * TCP MSS of customer SYNs. Both in prerouting: the SRv6 encapsulation runs on the input path
 * before forwarding, so a forward hook would never see the packets it must fix.
 */
import { createHash } from 'node:crypto';
import type { EdgeSettings } from '../intent/node-intent.js';

export const EDGE_TABLE = 'sfc-edge';

export function edgeRuleset(e: EdgeSettings): string {
  const ifaces = `{ ${e.customerInterfaces.map((i) => `"${i}"`).join(', ')} }`;
  const rules: string[] = [];
  if (e.sidSpace?.length) rules.push(`iifname ${ifaces} ip6 daddr { ${e.sidSpace.join(', ')} } counter drop comment "customer traffic to the SID space"`);
  if (e.mssClamp !== undefined) {
    rules.push(
      `iifname ${ifaces} tcp flags syn tcp option maxseg size ${e.mssClamp + 1}-65535 counter tcp option maxseg size set ${e.mssClamp} comment "MSS clamp"`,
    );
  }
  const body = [`  chain prerouting {`, `    type filter hook prerouting priority -150; policy accept;`, ...rules.map((r) => `    ${r}`), `  }`].join('\n');
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 16);
  // The comment carries a hash of the content: the agent compares it instead of nft's reformatted text.
  return `table inet ${EDGE_TABLE} {\n  comment "srv6-sfc ${hash}"\n${body}\n}\n`;
}

export function rulesetHash(ruleset: string): string {
  return /comment "srv6-sfc ([0-9a-f]+)"/.exec(ruleset)?.[1] ?? '';
}
