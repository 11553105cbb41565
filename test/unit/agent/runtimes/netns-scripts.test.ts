/** The netns runtime's job scripts and its mount-namespace decision (pure). */
import { describe, expect, it } from 'vitest';
import { instanceLegs } from '../../../../src/agent/plan/leg-addressing.js';
import { findMountTarget, mountAt, type ProcessView } from '../../../../src/agent/runtimes/netns/mount-target.js';
import {
  claimHostScript,
  claimInstanceScript,
  coldSpawnScript,
  destroyScript,
  hostColdLines,
  instanceIp6Lines,
  instanceIpLines,
  instanceNamespace,
  poolNamespace,
  poolNamespacePattern,
  reconfigureScript,
  responderTail,
  shq,
} from '../../../../src/agent/runtimes/netns/netns-scripts.js';

/** Every heredoc opened is closed by its own delimiter line, in order (nesting allowed). */
function heredocsBalanced(script: string): boolean {
  const stack: string[] = [];
  for (const line of script.split('\n')) {
    if (stack.length > 0 && line === stack[stack.length - 1]) {
      stack.pop();
      continue;
    }
    const m = /<<'([A-Z_0-9]+)'/.exec(line);
    if (m) stack.push(m[1]!);
  }
  return stack.length === 0;
}

const fw = { type: 'firewall', config: { rules: [{ action: 'drop', protocol: 'tcp', dstPorts: [{ start: 22, end: 22 }] }] } } as const;

describe('names', () => {
  it('instance and pool namespaces carry the node prefix; pool names never look like an instance', () => {
    expect(instanceNamespace('n1', 'fw-1')).toBe('sfc-n1.fw-1');
    // node 'a' + id 'b-x' and node 'a-b' + id 'x' must not meet in one name
    expect(instanceNamespace('a', 'b-x')).not.toBe(instanceNamespace('a-b', 'x'));
    expect(poolNamespace('n1', 7)).toBe('sfc-n1..pool7');
    expect(poolNamespace('n1', 7)).not.toBe(instanceNamespace('n1', 'pool7'));
    expect(poolNamespacePattern('n1').test('sfc-n1..pool7')).toBe(true);
    expect(poolNamespacePattern('n1').test('sfc-n1.b..pool7')).toBe(false);
    expect(poolNamespacePattern('n1').test('sfc-n1.pool7')).toBe(false);
  });

  it('shell-quotes paths', () => {
    expect(shq("/tmp/it's here")).toBe(`'/tmp/it'\\''s here'`);
  });
});

describe('cold spawn', () => {
  const legs = instanceLegs(5, 2);
  const script = coldSpawnScript('sfc-n1-fw1', fw, legs);

  it('creates the namespace and the veths with their peers inside, host side addressed (no DAD) and up', () => {
    expect(hostColdLines('sfc-n1-fw1', legs)).toEqual([
      'netns add sfc-n1-fw1',
      'link add sfc0005i type veth peer name eth0 netns sfc-n1-fw1',
      'addr add 169.254.0.41/30 dev sfc0005i',
      'addr add fd53:6663:0:a::1/64 dev sfc0005i nodad',
      'link set sfc0005i up',
      'link add sfc0005o type veth peer name eth1 netns sfc-n1-fw1',
      'addr add 169.254.0.45/30 dev sfc0005o',
      'addr add fd53:6663:0:b::1/64 dev sfc0005o nodad',
      'link set sfc0005o up',
    ]);
  });

  it('routes by default via the host side of the out leg', () => {
    const lines = instanceIpLines(fw, legs, { lo: true });
    expect(lines).toContain('route add default via 169.254.0.45 dev eth1');
    expect(lines).toContain('route add default via fd53:6663:0:b::1 dev eth1');
    const one = instanceIpLines(fw, instanceLegs(5, 1), { lo: true });
    expect(one).toContain('route add default via 169.254.0.41 dev eth0');
    expect(one.some((l) => l.includes('eth1'))).toBe(false);
  });

  it('sends what enters by the out leg back out by the in leg (a NAT\'s replies); one leg: nothing to do', () => {
    const lines = instanceIpLines(fw, legs, { lo: true });
    expect(lines).toContain('route add table 100 default via 169.254.0.41 dev eth0');
    expect(lines).toContain('route add table 100 default via fd53:6663:0:a::1 dev eth0');
    expect(lines).toContain('rule add pref 1000 iif eth1 lookup 100');
    expect(instanceIp6Lines(fw, legs)).toEqual(['rule add pref 1000 iif eth1 lookup 100']);
    expect(instanceIpLines(fw, instanceLegs(5, 1), { lo: true }).some((l) => l.includes('table 100') || l.includes('lookup 100'))).toBe(false);
    expect(instanceIp6Lines(fw, instanceLegs(5, 1))).toEqual([]);
    const inside = coldSpawnScript('sfc-n1-fw1', fw, instanceLegs(5, 1));
    expect(inside).toContain("ip -batch - <<'__SFC_IP__' &"); // one batch, no IPv6 one
    expect(inside).not.toContain('ip -6 -batch');
  });

  it('is one job: node batch, then inside: sysctls, ip -batch in parallel with nft -f', () => {
    expect(heredocsBalanced(script)).toBe(true);
    expect(script.startsWith('set -e\nip -batch - <<')).toBe(true);
    expect(script).toContain("exec nsenter --net=/run/netns/sfc-n1-fw1 sh <<'__SFC_NS__'");
    expect(script).toContain('echo 1 > /proc/sys/net/ipv4/ip_forward');
    expect(script).toContain('echo 1 > /proc/sys/net/ipv6/conf/all/forwarding');
    expect(script).toContain('echo 0 > /proc/sys/net/ipv4/conf/eth1/rp_filter');
    expect(script).toContain("ip -batch - <<'__SFC_IP__' &");
    // Two legs: the IPv6 return rule needs `ip -6`; it runs beside the IPv4 batch and nft.
    expect(script).toContain("__sfc_ip=$!\nip -6 -batch - <<'__SFC_IP6__' &\nrule add pref 1000 iif eth1 lookup 100\n__SFC_IP6__\n__sfc_ip6=$!\n");
    expect(script).toContain('wait $__sfc_ip6');
    expect(script).toContain("nft -f - <<'__SFC_NFT__'");
    expect(script).toContain('wait $__sfc_ip');
    // A fresh namespace: no delete in the transaction (it would cost ~13 ms).
    expect(script).not.toContain('delete table');
  });

  it('responder: every destination local from the legs, replies routed by main, the listener exec last', () => {
    const resp = { type: 'responder', config: { tcpPorts: [8080] } } as const;
    const legs1 = instanceLegs(1, 1);
    const lines = instanceIpLines(resp, legs1, { lo: true });
    expect(lines.slice(-6)).toEqual([
      'rule add pref 99 to 127.0.0.0/8 lookup local',
      'rule add pref 100 iif eth0 lookup local',
      'rule add pref 101 iif lo lookup main',
      'rule add pref 200 lookup local',
      'rule del pref 0 lookup local',
      'route add local 0.0.0.0/0 dev lo',
    ]);
    const s = coldSpawnScript('sfc-n1-r', resp, legs1, responderTail('/usr/bin/node', '/st/responder.cjs', 'r', '/st/r.json', '/st/r.responder.json', '/st/r.log'));
    expect(heredocsBalanced(s)).toBe(true);
    expect(s).toContain("__SFC_IP__\nip -6 -batch - <<'__SFC_IP6__'\nrule add pref 99 to ::1/128 lookup local\n");
    expect(s).toContain('route add local ::/0 dev lo\n__SFC_IP6__\n} &\n');
    expect(s.trimEnd().split('\n').slice(-2)[0]).toBe(
      "exec '/usr/bin/node' --max-old-space-size=32 '/st/responder.cjs' 'r' '/st/r.json' '/st/r.responder.json' </dev/null >/dev/null 2>>'/st/r.log'",
    );
  });
});

describe('other jobs', () => {
  it('reconfigure replaces the table atomically', () => {
    const s = reconfigureScript('sfc-n1-fw1', fw, instanceLegs(5, 2));
    expect(heredocsBalanced(s)).toBe(true);
    expect(s).toContain("exec nsenter --net=/run/netns/sfc-n1-fw1 nft -f - <<'__SFC_NFT__'\ntable inet sfc {}\ndelete table inet sfc\n");
  });

  it('destroy deletes the namespace, then waits for the host legs to go (bounded), idempotent', () => {
    const s = destroyScript('sfc-n1-fw1', ['sfc0005i', 'sfc0005o']);
    expect(s.split('\n')).toEqual([
      'if [ -e /run/netns/sfc-n1-fw1 ]; then ip netns del sfc-n1-fw1 2>/dev/null || rm -f /run/netns/sfc-n1-fw1 2>/dev/null || true; fi',
      '__sfc_i=0',
      'while [ $__sfc_i -lt 500 ] && { ip link show dev sfc0005i >/dev/null 2>&1 || ip link show dev sfc0005o >/dev/null 2>&1; }; do sleep 0.01; __sfc_i=$((__sfc_i + 1)); done',
      'ip link del dev sfc0005i >/dev/null 2>&1 || true',
      'ip link del dev sfc0005o >/dev/null 2>&1 || true',
      'true',
    ]);
    expect(destroyScript('sfc-n1-x').split('\n')).toHaveLength(2);
  });

  it('pool claim renames the legs to the slot names, or drops the unused out leg', () => {
    expect(claimHostScript(0x2a, instanceLegs(3, 2))).toContain('link set sfcp002ai name sfc0003i\n');
    expect(claimHostScript(0x2a, instanceLegs(3, 2))).toContain('link set sfcp002ao name sfc0003o\n');
    expect(claimHostScript(0x2a, instanceLegs(3, 1))).toContain('link del sfcp002ao');
    const inside = claimInstanceScript('sfc-n1-.pool42', 'sfc-n1-fw1', 4242, fw, instanceLegs(3, 2));
    expect(heredocsBalanced(inside)).toBe(true);
    expect(inside).toContain("ip -batch - <<'__SFC_IP__' &\nnetns attach sfc-n1-fw1 4242\nnetns del sfc-n1-.pool42\n");
    expect(inside).not.toContain('/proc/sys');
  });
});

describe('mount target', () => {
  const line = (id: number, parent: number, mp: string, tags: string) => `${id} ${parent} 254:0 ${mp} ${mp} rw,relatime ${tags} - ext4 /dev/vda rw`;
  const host = [line(42, 27, '/run/netns', 'shared:1'), line(43, 42, '/run/netns/sfc-a', 'shared:2')].join('\n');
  const slave = line(65, 45, '/run/netns', 'master:1');

  function view(procs: Record<number, { ppid: number; mountinfo?: string; mnt?: string }>): ProcessView {
    return { ppid: (p) => procs[p]?.ppid, mountinfo: (p) => procs[p]?.mountinfo, mountNs: (p) => procs[p]?.mnt };
  }

  it('reads the visible mount and its propagation tags', () => {
    expect(mountAt(host, '/run/netns')?.tags.get('shared')).toBe('1');
    expect(mountAt(`${host}\n${line(70, 42, '/run/netns', 'shared:9 master:1')}`, '/run/netns')?.tags.get('master')).toBe('1');
    expect(mountAt(host, '/run/other')).toBeUndefined();
  });

  it('self when our /run/netns propagates (or is not a mount yet)', () => {
    expect(findMountTarget(10, view({ 10: { ppid: 1, mountinfo: host, mnt: 'mnt:[1]' } }))).toEqual({ kind: 'self' });
    expect(findMountTarget(10, view({ 10: { ppid: 1, mountinfo: '', mnt: 'mnt:[1]' } }))).toEqual({ kind: 'self' });
  });

  it('the ancestor owning the master peer group when we run under `ip netns exec`', () => {
    const v = view({ 30: { ppid: 20, mountinfo: slave, mnt: 'mnt:[9]' }, 20: { ppid: 10, mountinfo: slave, mnt: 'mnt:[9]' }, 10: { ppid: 1, mountinfo: host, mnt: 'mnt:[1]' } });
    expect(findMountTarget(30, v)).toEqual({ kind: 'process', pid: 10 });
  });

  it('climbs a chain of slaves to the top', () => {
    const middle = line(80, 45, '/run/netns', 'shared:5 master:1');
    const inner = line(81, 45, '/run/netns', 'master:5');
    const v = view({ 30: { ppid: 20, mountinfo: inner, mnt: 'mnt:[9]' }, 20: { ppid: 10, mountinfo: middle, mnt: 'mnt:[8]' }, 10: { ppid: 1, mountinfo: host, mnt: 'mnt:[1]' } });
    expect(findMountTarget(30, v)).toEqual({ kind: 'process', pid: 10 });
  });

  it('unshared, with a reason, when no ancestor owns the group', () => {
    const t = findMountTarget(30, view({ 30: { ppid: 1, mountinfo: slave, mnt: 'mnt:[9]' } }));
    expect(t.kind).toBe('unshared');
    expect(t.kind === 'unshared' && t.reason).toMatch(/nsenter --net/);
  });
});
