/**
 * sfclab as a user runs it (bin/sfclab), on the real kernel: a small topology using every node
 * kind and the link, exec, env and sysctl keys; inspect, exec, graph; a bad file that changes
 * nothing; and destroy after a crash (processes killed, lab.json gone).
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ip, ipn, listNamespaces } from '../../src/lab/netns.js';
import { REPO_ROOT } from '../../src/lab/node-script.js';
import { labPaths } from '../../src/lab/sfclab/lab-layout.js';
import { readLabRecord } from '../../src/lab/sfclab/lab-record.js';
import { isAlive } from '../../src/lab/sfclab/processes.js';

const run = promisify(execFile);
const LAB = `t-lab${process.pid % 10000}`;
const HOST_IF = `sfct${process.pid % 10000}`;
let dir: string;
let file: string;

async function sfclab(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(join(REPO_ROOT, 'bin', 'sfclab'), args, { cwd: dir, timeout: 120_000 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof err.code === 'number' ? err.code : 1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
  }
}

const TOPOLOGY = `name: ${LAB}
topology:
  defaults:
    env: {GREETING: hello}
  nodes:
    h1:
      kind: linux
      sysctls: {net.ipv4.ip_forward: 1}
      exec:
        - sh -c 'echo "$GREETING from h1" > /tmp/${LAB}-h1'
    e1: {kind: linux, labels: {srv6-sfc/role: edge}}
    t1: {kind: linux, labels: {srv6-sfc/role: transit}}
    e2: {kind: linux, labels: {srv6-sfc/role: edge}}
    h2: {kind: linux}
    br: {kind: bridge}
    h3: {kind: linux}
    hostns: {kind: host}
  links:
    - endpoints: ["h1:eth1", "e1:eth1"]
    - type: veth
      endpoints:
        - {node: e1, interface: core0, mac: "02:00:00:00:00:e1"}
        - {node: t1, interface: eth1}
      mtu: 9000
    - endpoints: ["t1:eth2", "e2:eth2"]
    - endpoints: ["e2:eth1", "h2:eth1"]
    - endpoints: ["h2:eth2", "br:p1"]
    - endpoints: ["h3:eth1", "br:p2"]
    - endpoints: ["h3:eth2", "hostns:${HOST_IF}"]
`;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sfc-sfclab-test-'));
  file = join(dir, 'lab.clab.yml');
  writeFileSync(file, TOPOLOGY);
});

afterAll(async () => {
  await sfclab('destroy', '-t', file);
  rmSync(dir, { recursive: true, force: true });
  rmSync(`/tmp/${LAB}-h1`, { force: true });
  expect(listNamespaces(`sfc-${LAB}-`)).toEqual([]);
}, 60_000);

describe('sfclab', () => {
  it('refuses a bad file with every problem and its place, and creates nothing', async () => {
    const bad = join(dir, 'bad.clab.yml');
    writeFileSync(bad, `name: ${LAB}\ntopology:\n  nodes:\n    a: {kind: nokia_srlinux, labels: {srv6-sfc/role: router}}\n  links:\n    - endpoints: ["a:eth1", "zz:eth1"]\n`);
    const r = await sfclab('deploy', '-t', bad);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.clab\.yml:4:\d+: topology\.nodes\.a\.kind: .*nokia_srlinux/);
    expect(r.stderr).toMatch(/srv6-sfc\/role.*router/);
    expect(r.stderr).toMatch(/topology\.links\[0\]\.endpoints\[1\].*zz/);
    expect(listNamespaces(`sfc-${LAB}-`)).toEqual([]);
    expect(existsSync(labPaths(LAB).dir)).toBe(false);
  });

  it('deploys every kind with links, mtu, mac, env, exec and sysctls; agents register', async () => {
    const r = await sfclab('deploy', '-t', file);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/e1\s+linux\s+edge\s+fc00:1::\/48\s+READY/);
    expect(r.stdout).toMatch(/t1\s+linux\s+transit\s+fc00:2::\/48\s+READY/);
    const ns = (n: string) => `sfc-${LAB}-${n}`;
    expect(listNamespaces(`sfc-${LAB}-`).sort()).toEqual(['br', 'e1', 'e2', 'h1', 'h2', 'h3', 't1'].map(ns).sort());
    // extended link: mtu and mac
    const core0 = JSON.parse(ipn(ns('e1'), ['-j', 'link', 'show', 'core0'])) as { mtu: number; address: string }[];
    expect(core0[0]).toMatchObject({ mtu: 9000, address: '02:00:00:00:00:e1' });
    // defaults: 9500 between SRv6 nodes, 1500 to endpoints
    expect((JSON.parse(ipn(ns('t1'), ['-j', 'link', 'show', 'eth2'])) as { mtu: number }[])[0]!.mtu).toBe(9500);
    expect((JSON.parse(ipn(ns('h1'), ['-j', 'link', 'show', 'eth1'])) as { mtu: number }[])[0]!.mtu).toBe(1500);
    // the bridge node holds a bridge with both ports
    const ports = JSON.parse(ipn(ns('br'), ['-j', 'link', 'show', 'master', 'br'])) as { ifname: string }[];
    expect(ports.map((p) => p.ifname).sort()).toEqual(['p1', 'p2']);
    // the host end is in the host namespace, named as the file says (sfc*)
    expect(ip(['-br', 'link', 'show', HOST_IF])).toContain(HOST_IF);
    // exec ran with the inherited env; sysctls are set
    expect(readFileSync(`/tmp/${LAB}-h1`, 'utf8').trim()).toBe('hello from h1');
    expect(execFileSync('ip', ['netns', 'exec', ns('h1'), 'sysctl', '-n', 'net.ipv4.ip_forward'], { encoding: 'utf8' }).trim()).toBe('1');
    // derived underlay: h1 reaches h2 across the SRv6 core by site routing
    const ping = await sfclab('exec', '-t', file, '--node', 'h1', '--cmd', 'ping -c 2 -i 0.2 -W 1 10.2.0.2');
    expect(ping.code, ping.stderr).toBe(0);
    expect(ping.stdout).toMatch(/2 received/);
  });

  it('inspect, exec and graph describe the running lab', async () => {
    const j = await sfclab('inspect', '-t', file, '-f', 'json');
    expect(j.code).toBe(0);
    const view = JSON.parse(j.stdout) as { nodes: { name: string; agent: string; addresses: string[] }[]; sites: { endpoint: string; ipv4: string }[] };
    expect(view.nodes.find((n) => n.name === 'e2')).toMatchObject({ agent: 'READY' });
    expect(view.nodes.find((n) => n.name === 'h1')!.addresses).toContain('eth1 10.1.0.2/24');
    expect(view.sites.map((s) => [s.endpoint, s.ipv4])).toEqual([
      ['h1', '10.1.0.0/24'],
      ['h2', '10.2.0.0/24'],
    ]);
    const all = await sfclab('exec', '-t', file, '--cmd', 'hostname -I >/dev/null; ip -br link show lo');
    expect(all.code).toBe(0);
    expect(all.stdout.match(/^--- /gm)).toHaveLength(7); // every node with a namespace
    const failing = await sfclab('exec', '-t', file, '--node', 'h1', '--cmd', 'exit 3');
    expect(failing.code).toBe(3);
    expect((await sfclab('exec', '-t', file, '--node', 'nope', '--cmd', 'true')).stderr).toMatch(/--node: nope is not a node/);
    const g = await sfclab('graph', '-t', file, '-o', join(dir, 'g.svg'), '-f', 'svg');
    expect(g.code, g.stderr).toBe(0);
    const svg = readFileSync(join(dir, 'g.svg'), 'utf8');
    for (const n of ['h1', 'e1', 't1', 'e2', 'h2', 'br', 'h3']) expect(svg).toContain(`>${n}<`);
  });

  it('a second deploy is refused while the lab runs', async () => {
    const r = await sfclab('deploy', '-t', file);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/already deployed/);
  });

  it('destroy removes everything after a crash: processes killed, lab.json lost', async () => {
    const record = readLabRecord(labPaths(LAB).record)!;
    const pids = record.processes.map((p) => p.pid);
    for (const pid of pids) process.kill(pid, 'SIGKILL');
    rmSync(labPaths(LAB).record);
    const r = await sfclab('destroy', '-t', file);
    expect(r.code, r.stderr).toBe(0);
    expect(listNamespaces(`sfc-${LAB}-`)).toEqual([]);
    expect(() => ip(['link', 'show', HOST_IF])).toThrow();
    expect(existsSync(labPaths(LAB).dir)).toBe(false);
    for (const pid of pids) expect(isAlive(pid)).toBe(false);
    // idempotent
    expect((await sfclab('destroy', '-t', file)).code).toBe(0);
  });
});
