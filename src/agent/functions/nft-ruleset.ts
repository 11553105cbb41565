/**
 * nftables rulesets of the netns functions (pure): one `table inet sfc` per instance, loaded with
 * `nft -f -` inside the instance's namespace in one transaction.
 *
 * - firewall: chain `forward`, policy = defaultAction; rules in order, each with the named counter
 *   `rule<i>` (a rule whose prefixes mix families becomes one nft rule per family, sharing the
 *   counter); a last rule counts what reaches the policy in `default`.
 * - nat: chain `postrouting` on the out leg (masquerade, or snat to the address of the matching
 *   family), counter `nat` (counts connections: the nat hook sees a flow's first packet only), and
 *   `forwarded` for every forwarded packet.
 * - monitor: chain `forward`, accept, counters `l4_tcp`, `l4_udp`, `l4_icmp`, `l4_icmpv6`, `l4_other`.
 * - responder: chain `input`, the same per-protocol counters for what it receives.
 *
 * Counter names avoid nft keywords (`tcp`, `forward`, ... are refused as object names).
 */
import { type Family, canonicalAddress, familyOf } from '../../common/ip.js';
import type { FirewallConfig, FirewallRule, FunctionSpec, L4Protocol, NatConfig } from './function-spec.js';
import { type FamilyPrefixes, mergePorts, nftPorts, nftSet, nftString, splitPrefixes } from './nft-match.js';

export const NFT_TABLE = 'sfc';

/** Interface names inside the instance: traffic arrives on `in`, leaves by `out` (= in with one leg). */
export interface NftInterfaces {
  readonly in: string;
  readonly out: string;
}

export interface NftRulesetOptions {
  /**
   * Replace an existing table atomically (`table inet sfc {}` + `delete table inet sfc` first).
   * Leave it off in a fresh namespace: deleting a table in a transaction costs ~13 ms here (the
   * netlink socket's release waits for the kernel's deferred cleanup), creating one ~2 ms.
   */
  readonly replace?: boolean;
}

const L4: Record<L4Protocol, { readonly family?: Family; readonly l4: string }> = {
  tcp: { l4: 'tcp' },
  udp: { l4: 'udp' },
  icmp: { family: 4, l4: 'icmp' },
  icmpv6: { family: 6, l4: 'ipv6-icmp' },
};

const NFPROTO: Record<Family, string> = { 4: 'ipv4', 6: 'ipv6' };
const IP: Record<Family, string> = { 4: 'ip', 6: 'ip6' };

export const PROTOCOL_COUNTERS = ['l4_tcp', 'l4_udp', 'l4_icmp', 'l4_icmpv6', 'l4_other'] as const;
export const firewallRuleCounter = (i: number): string => `rule${i}`;
export const FIREWALL_DEFAULT_COUNTER = 'default';

const counterRef = (name: string): string => `counter name ${nftString(name)}`;

/** The nft rules (chain body lines) of one firewall rule; several when it is split by family. */
export function firewallRuleLines(rule: FirewallRule, counter: string): string[] {
  const proto = rule.protocol === undefined ? undefined : L4[rule.protocol];
  const src = rule.srcPrefixes ? splitPrefixes(rule.srcPrefixes) : undefined;
  const dst = rule.dstPrefixes ? splitPrefixes(rule.dstPrefixes) : undefined;
  let families: Family[] = [4, 6];
  if (proto?.family) families = families.filter((f) => f === proto.family);
  if (src) families = families.filter((f) => src[f] !== undefined);
  if (dst) families = families.filter((f) => dst[f] !== undefined);

  // Layer 4: the port matches imply the protocol; without them it is matched explicitly.
  const l4: string[] = [];
  if (proto && (rule.protocol === 'tcp' || rule.protocol === 'udp')) {
    const sport = rule.srcPorts && mergePorts(rule.srcPorts);
    const dport = rule.dstPorts && mergePorts(rule.dstPorts);
    if (sport) l4.push(`${proto.l4} sport ${nftPorts(sport)}`);
    if (dport) l4.push(`${proto.l4} dport ${nftPorts(dport)}`);
  }
  if (proto && l4.length === 0) l4.push(`meta l4proto ${proto.l4}`);
  const tail = [counterRef(counter), rule.action];

  const familySpecific = src !== undefined || dst !== undefined || rule.dscp !== undefined || proto?.family !== undefined;
  if (!familySpecific) return [[...l4, ...tail].join(' ')];
  if (families.length === 0) return [`# ${counter}: never matches (its selectors have no address family in common)`];
  return families.map((f) => {
    const parts: string[] = [];
    const addr = (dir: 'saddr' | 'daddr', p: FamilyPrefixes | undefined) => {
      if (p && !p.all) parts.push(`${IP[f]} ${dir} ${nftSet(p.prefixes)}`);
    };
    addr('saddr', src?.[f]);
    addr('daddr', dst?.[f]);
    const dscp = rule.dscp === undefined ? [] : [`${IP[f]} dscp ${rule.dscp}`];
    // `ip saddr`, `ip6 dscp`, ... imply the family; otherwise it is matched explicitly.
    if (parts.length === 0 && dscp.length === 0) parts.push(`meta nfproto ${NFPROTO[f]}`);
    return [...parts, ...l4, ...dscp, ...tail].join(' ');
  });
}

function firewallTable(cfg: FirewallConfig = {}): { counters: string[]; chains: string[] } {
  const rules = cfg.rules ?? [];
  const counters = [...rules.map((_, i) => firewallRuleCounter(i)), FIREWALL_DEFAULT_COUNTER];
  const body = rules.flatMap((r, i) => firewallRuleLines(r, firewallRuleCounter(i)));
  body.push(counterRef(FIREWALL_DEFAULT_COUNTER));
  return { counters, chains: [chain('forward', `type filter hook forward priority filter; policy ${cfg.defaultAction ?? 'accept'};`, body)] };
}

function natTable(cfg: NatConfig, ifs: NftInterfaces): { counters: string[]; chains: string[] } {
  const oif = `oifname ${nftString(ifs.out)}`;
  let rule: string;
  if (cfg.mode === 'masquerade') rule = `${oif} ${counterRef('nat')} masquerade`;
  else {
    const to = canonicalAddress(cfg.toAddress);
    const f = familyOf(to);
    rule = `${oif} meta nfproto ${NFPROTO[f]} ${counterRef('nat')} snat ${IP[f]} to ${to}`;
  }
  return {
    counters: ['nat', 'forwarded'],
    chains: [
      chain('forward', 'type filter hook forward priority filter; policy accept;', [counterRef('forwarded')]),
      chain('postrouting', 'type nat hook postrouting priority srcnat; policy accept;', [rule]),
    ],
  };
}

function protocolCounting(hook: 'forward' | 'input'): { counters: string[]; chains: string[] } {
  const body = [
    `meta l4proto tcp ${counterRef('l4_tcp')} accept`,
    `meta l4proto udp ${counterRef('l4_udp')} accept`,
    `meta l4proto icmp ${counterRef('l4_icmp')} accept`,
    `meta l4proto ipv6-icmp ${counterRef('l4_icmpv6')} accept`,
    `${counterRef('l4_other')} accept`,
  ];
  return { counters: [...PROTOCOL_COUNTERS], chains: [chain(hook, `type filter hook ${hook} priority filter; policy accept;`, body)] };
}

function chain(name: string, head: string, body: readonly string[]): string {
  return [`  chain ${name} {`, `    ${head}`, ...body.map((l) => `    ${l}`), '  }'].join('\n');
}

function tableParts(fn: FunctionSpec, ifs: NftInterfaces): { counters: string[]; chains: string[] } {
  switch (fn.type) {
    case 'firewall':
      return firewallTable(fn.config);
    case 'nat':
      return natTable(fn.config, ifs);
    case 'monitor':
      return protocolCounting('forward');
    case 'responder':
      return protocolCounting('input');
  }
}

/** The names of the counters the function's ruleset declares (what `counters()` reports). */
export function nftCounterNames(fn: FunctionSpec, ifs: NftInterfaces = { in: 'eth0', out: 'eth0' }): string[] {
  return tableParts(fn, ifs).counters;
}

/** The whole `nft -f` input for the function: one transaction. */
export function nftRuleset(fn: FunctionSpec, ifs: NftInterfaces, opts: NftRulesetOptions = {}): string {
  const { counters, chains } = tableParts(fn, ifs);
  const lines: string[] = [];
  if (opts.replace) lines.push(`table inet ${NFT_TABLE} {}`, `delete table inet ${NFT_TABLE}`);
  lines.push(`table inet ${NFT_TABLE} {`);
  for (const c of counters) {
    nftString(c);
    lines.push(`  counter ${c} {}`);
  }
  lines.push(...chains, '}');
  return lines.join('\n') + '\n';
}
