/** nftables rulesets of the netns functions: exact text for each function, family splitting, normalisation. */
import { describe, expect, it } from 'vitest';
import { firewallRuleLines, nftCounterNames, nftRuleset } from '../../../../src/agent/functions/nft-ruleset.js';
import { mergePorts, nftString, splitPrefixes } from '../../../../src/agent/functions/nft-match.js';

const two = { in: 'eth0', out: 'eth1' };

describe('firewall rules', () => {
  it('emits one family-agnostic rule when no selector is tied to a family', () => {
    expect(firewallRuleLines({ action: 'drop', protocol: 'tcp', dstPorts: [{ start: 22, end: 22 }] }, 'rule0')).toEqual(['tcp dport 22 counter name "rule0" drop']);
    expect(firewallRuleLines({ action: 'accept', protocol: 'udp' }, 'rule1')).toEqual(['meta l4proto udp counter name "rule1" accept']);
    expect(firewallRuleLines({ action: 'accept' }, 'rule2')).toEqual(['counter name "rule2" accept']);
  });

  it('splits mixed-family prefixes into one rule per family sharing the counter', () => {
    expect(
      firewallRuleLines({ action: 'accept', protocol: 'tcp', srcPrefixes: ['10.0.0.0/8', '2001:db8::/32', '192.168.1.0/24'], dstPorts: [{ start: 443, end: 443 }, { start: 80, end: 80 }] }, 'rule0'),
    ).toEqual([
      'ip saddr { 10.0.0.0/8, 192.168.1.0/24 } tcp dport { 80, 443 } counter name "rule0" accept',
      'ip6 saddr 2001:db8::/32 tcp dport { 80, 443 } counter name "rule0" accept',
    ]);
  });

  it('keeps only the families common to source and destination', () => {
    expect(firewallRuleLines({ action: 'drop', srcPrefixes: ['10.0.0.0/8', '2001:db8::/32'], dstPrefixes: ['2001:db8:1::/48'] }, 'rule3')).toEqual([
      'ip6 saddr 2001:db8::/32 ip6 daddr 2001:db8:1::/48 counter name "rule3" drop',
    ]);
    expect(firewallRuleLines({ action: 'drop', srcPrefixes: ['10.0.0.0/8'], dstPrefixes: ['2001:db8::/32'] }, 'rule4')).toEqual([
      '# rule4: never matches (its selectors have no address family in common)',
    ]);
  });

  it('matches DSCP per family (ip dscp / ip6 dscp)', () => {
    expect(firewallRuleLines({ action: 'drop', dscp: 46 }, 'rule0')).toEqual(['ip dscp 46 counter name "rule0" drop', 'ip6 dscp 46 counter name "rule0" drop']);
    expect(firewallRuleLines({ action: 'drop', protocol: 'udp', dscp: 10, dstPrefixes: ['192.0.2.0/24'] }, 'rule1')).toEqual([
      'ip daddr 192.0.2.0/24 meta l4proto udp ip dscp 10 counter name "rule1" drop',
    ]);
  });

  it('ties icmp to IPv4 and icmpv6 to IPv6', () => {
    expect(firewallRuleLines({ action: 'drop', protocol: 'icmp' }, 'rule0')).toEqual(['meta nfproto ipv4 meta l4proto icmp counter name "rule0" drop']);
    expect(firewallRuleLines({ action: 'drop', protocol: 'icmpv6' }, 'rule0')).toEqual(['meta nfproto ipv6 meta l4proto ipv6-icmp counter name "rule0" drop']);
    expect(firewallRuleLines({ action: 'drop', protocol: 'icmp', srcPrefixes: ['2001:db8::/32'] }, 'rule0')).toEqual([
      '# rule0: never matches (its selectors have no address family in common)',
    ]);
  });

  it('treats a /0 as the whole family', () => {
    expect(firewallRuleLines({ action: 'drop', srcPrefixes: ['0.0.0.0/0', '10.0.0.0/8'] }, 'rule0')).toEqual(['meta nfproto ipv4 counter name "rule0" drop']);
  });

  it('matches source and destination ports, and drops a range covering every port', () => {
    expect(firewallRuleLines({ action: 'accept', protocol: 'udp', srcPorts: [{ start: 53, end: 53 }], dstPorts: [{ start: 1024, end: 65535 }] }, 'r')).toEqual([
      'udp sport 53 udp dport 1024-65535 counter name "r" accept',
    ]);
    expect(firewallRuleLines({ action: 'accept', protocol: 'tcp', dstPorts: [{ start: 0, end: 65535 }] }, 'r')).toEqual(['meta l4proto tcp counter name "r" accept']);
  });
});

describe('match normalisation', () => {
  it('reduces prefixes to their network, removes covered ones and duplicates, sorts', () => {
    expect(splitPrefixes(['10.1.2.3/8', '10.1.0.0/16', '192.168.1.0/24', '10.0.0.0/8', 'fd00::1/8', '2001:db8::/32'])).toEqual({
      4: { all: false, prefixes: ['10.0.0.0/8', '192.168.1.0/24'] },
      6: { all: false, prefixes: ['2001:db8::/32', 'fd00::/8'] },
    });
    expect(splitPrefixes(['192.0.2.7', '192.0.2.7/32'])).toEqual({ 4: { all: false, prefixes: ['192.0.2.7'] } });
    expect(splitPrefixes(['::/0'])).toEqual({ 6: { all: true } });
  });

  it('merges overlapping and adjacent port ranges', () => {
    expect(mergePorts([{ start: 80, end: 80 }, { start: 81, end: 90 }, { start: 85, end: 100 }, { start: 443, end: 443 }, { start: 22, end: 22 }])).toEqual([
      { start: 22, end: 22 },
      { start: 80, end: 100 },
      { start: 443, end: 443 },
    ]);
    expect(mergePorts([{ start: 0, end: 100 }, { start: 101, end: 65535 }])).toBeUndefined();
  });

  it('refuses names that are not plain identifiers', () => {
    expect(nftString('eth0')).toBe('"eth0"');
    expect(() => nftString('eth0"; flush ruleset')).toThrow(/not a safe/);
  });
});

describe('rulesets', () => {
  it('firewall: counters, policy and the default counter', () => {
    const text = nftRuleset({ type: 'firewall', config: { defaultAction: 'drop', rules: [{ action: 'accept', protocol: 'tcp', dstPorts: [{ start: 80, end: 80 }] }] } }, two);
    expect(text).toBe(
      [
        'table inet sfc {',
        '  counter rule0 {}',
        '  counter default {}',
        '  chain forward {',
        '    type filter hook forward priority filter; policy drop;',
        '    tcp dport 80 counter name "rule0" accept',
        '    counter name "default"',
        '  }',
        '}',
        '',
      ].join('\n'),
    );
  });

  it('firewall without config accepts everything and still counts', () => {
    expect(nftRuleset({ type: 'firewall' }, two)).toContain('policy accept;');
    expect(nftCounterNames({ type: 'firewall' })).toEqual(['default']);
  });

  it('replace: deletes and recreates the table in the same transaction', () => {
    const text = nftRuleset({ type: 'monitor' }, two, { replace: true });
    expect(text.split('\n').slice(0, 3)).toEqual(['table inet sfc {}', 'delete table inet sfc', 'table inet sfc {']);
  });

  it('nat masquerade on the out leg', () => {
    const text = nftRuleset({ type: 'nat', config: { mode: 'masquerade' } }, two);
    expect(text).toContain('type nat hook postrouting priority srcnat; policy accept;');
    expect(text).toContain('oifname "eth1" counter name "nat" masquerade');
    expect(text).toContain('counter name "forwarded"');
    expect(nftCounterNames({ type: 'nat', config: { mode: 'masquerade' } })).toEqual(['nat', 'forwarded']);
  });

  it('nat snat translates only the family of its address (canonical form)', () => {
    expect(nftRuleset({ type: 'nat', config: { mode: 'snat', toAddress: '192.0.2.1' } }, { in: 'eth0', out: 'eth0' })).toContain(
      'oifname "eth0" meta nfproto ipv4 counter name "nat" snat ip to 192.0.2.1',
    );
    expect(nftRuleset({ type: 'nat', config: { mode: 'snat', toAddress: '2001:DB8:0::1' } }, two)).toContain(
      'oifname "eth1" meta nfproto ipv6 counter name "nat" snat ip6 to 2001:db8::1',
    );
  });

  it('monitor counts per protocol in forward, the responder in input', () => {
    const mon = nftRuleset({ type: 'monitor' }, two);
    expect(mon).toContain('type filter hook forward priority filter; policy accept;');
    expect(mon).toContain('meta l4proto ipv6-icmp counter name "l4_icmpv6" accept');
    expect(mon).toContain('counter name "l4_other" accept');
    expect(nftCounterNames({ type: 'monitor' })).toEqual(['l4_tcp', 'l4_udp', 'l4_icmp', 'l4_icmpv6', 'l4_other']);
    expect(nftRuleset({ type: 'responder', config: { tcpPorts: [80] } }, two)).toContain('type filter hook input priority filter; policy accept;');
  });

  it('declares every counter the rules reference', () => {
    const text = nftRuleset(
      { type: 'firewall', config: { rules: [{ action: 'drop', dscp: 1 }, { action: 'accept', srcPrefixes: ['10.0.0.0/8'] }, { action: 'drop', protocol: 'icmpv6' }] } },
      two,
    );
    const declared = [...text.matchAll(/^ {2}counter (\S+) \{\}$/gm)].map((m) => m[1]);
    const used = new Set([...text.matchAll(/counter name "([^"]+)"/g)].map((m) => m[1]));
    expect(declared).toEqual(['rule0', 'rule1', 'rule2', 'default']);
    for (const u of used) expect(declared).toContain(u);
  });
});
