/**
 * sfcctl end to end in-process: real argument parsing, real gRPC client and codecs, against a
 * fake controller on a real gRPC server (fake-controller.ts).
 */
import { createServer } from 'node:net';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExitCode } from '../../../src/cli/exit-codes.js';
import { FailedPreconditionError } from '../../../src/common/errors.js';
import { FakeController } from './fake-controller.js';
import { INSTANCES, NODES, pendingChain, readyChain, sfcctl } from './fixtures.js';

const doc = (name: string, opts: { ingress?: string; labels?: string } = {}) => `apiVersion: srv6-sfc/v1alpha1
kind: ServiceChain
metadata:
  name: ${name}
  labels: {${opts.labels ?? `app: ${name}`}}
spec:
  ingress:
    node: ${opts.ingress ?? 'edge1'}
    match: {destinations: [10.2.${name.length}.0/24]}
  egress: {node: edge2}
  functions:
    - {name: fw, type: firewall, placement: {node: fn1}}
`;

let fake: FakeController;
let env: Record<string, string>;
let dir: string;

beforeEach(async () => {
  fake = new FakeController();
  env = { SFC_CONTROLLER: await fake.start() };
  dir = await mkdtemp(join(tmpdir(), 'sfcctl-'));
});

afterEach(async () => {
  await fake.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('apply', () => {
  it('applies every chain of a directory in file order and says what changed each time', async () => {
    await writeFile(join(dir, 'a.yaml'), `${doc('alpha')}---\n${doc('beta')}`);
    await writeFile(join(dir, 'b.yml'), doc('gamma'));
    const first = await sfcctl(['apply', '-f', dir], { env });
    expect(first).toMatchObject({ code: 0, err: '' });
    expect(first.out).toBe('chain/alpha created\nchain/beta created\nchain/gamma created\n');
    expect([...fake.chains.keys()].sort()).toEqual(['alpha', 'beta', 'gamma']);

    await writeFile(join(dir, 'b.yml'), doc('gamma', { labels: 'app: other' }));
    const second = await sfcctl(['apply', '-f', dir], { env });
    expect(second.out).toBe('chain/alpha unchanged\nchain/beta unchanged\nchain/gamma configured\n');
    expect(fake.chains.get('gamma')).toMatchObject({ generation: 2, labels: { app: 'other' } });
  });

  it('reports every error of every file with its position, exits 2, and makes no call at all', async () => {
    await writeFile(join(dir, 'good.yaml'), doc('good'));
    await writeFile(join(dir, 'bad.yaml'), doc('bad').replace('egress: {node: edge2}', 'egres: {node: edge2}').replace('type: firewall', 'type: firewal'));
    await writeFile(join(dir, 'broken.yaml'), 'apiVersion: [');
    const r = await sfcctl(['apply', '-f', dir], { env });
    expect(r.code).toBe(ExitCode.INVALID);
    expect(r.out).toBe('');
    const lines = r.err.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^error: \d+ errors in the chain documents; nothing was applied$/);
    expect(r.err).toContain(`${join(dir, 'bad.yaml')}#1:10:3: spec.egres: unknown field; did you mean 'egress'?`);
    expect(r.err).toMatch(/bad\.yaml#1:12:\d+: spec\.functions\[0\]\.type: unknown function type 'firewal'/);
    expect(r.err).toMatch(/broken\.yaml#1:\d+:\d+: YAML: /);
    expect(fake.calls).toEqual([]);
  });

  it('points the controller’s field violations into the file, and exits 2', async () => {
    fake.nodes = NODES;
    const file = join(dir, 'web.yaml');
    await writeFile(file, doc('web', { ingress: 'edge9' }));
    const r = await sfcctl(['apply', '-f', file], { env });
    expect(r.code).toBe(ExitCode.INVALID);
    expect(r.err).toBe(`error: chain/web: invalid chain (INVALID_ARGUMENT)\n  ${file}#1:8:5: spec.ingress.node: unknown node 'edge9'\n`);
  });

  it('goes on after a chain is refused and exits with the first failure', async () => {
    fake.nodes = NODES;
    await writeFile(join(dir, 'a.yaml'), `${doc('alpha', { ingress: 'edge9' })}---\n${doc('beta')}`);
    const r = await sfcctl(['apply', '-f', dir], { env });
    expect(r.code).toBe(ExitCode.INVALID);
    expect(r.out).toBe('chain/beta created\n');
    expect(fake.chains.has('beta')).toBe(true);
  });

  it('--dry-run validates only: nothing stored', async () => {
    await writeFile(join(dir, 'a.yaml'), doc('alpha'));
    const r = await sfcctl(['apply', '-f', join(dir, 'a.yaml'), '--dry-run'], { env });
    expect(r).toMatchObject({ code: 0, out: 'chain/alpha created (dry run)\n' });
    expect(fake.chains.size).toBe(0);
  });

  it('reads stdin with -f -', async () => {
    const r = await sfcctl(['apply', '-f', '-'], { env, stdin: doc('piped') });
    expect(r).toMatchObject({ code: 0, out: 'chain/piped created\n' });
  });

  it('--wait follows the chains until Ready for the applied generation, with progress on stderr', async () => {
    await writeFile(join(dir, 'a.yaml'), doc('web'));
    fake.onGetChain = (name, count) => {
      const c = fake.chains.get(name)!;
      // Two polls that are not Ready yet (the second with the old generation's Ready), then Ready.
      if (count === 1) fake.put({ ...pendingChain(name), spec: c.spec, generation: c.generation, status: { ...pendingChain(name).status, observedGeneration: 1 } });
      if (count === 3) fake.put({ ...readyChain(name), spec: c.spec, generation: c.generation });
    };
    const r = await sfcctl(['apply', '-f', dir, '--wait'], { env, now: () => new Date() });
    expect(r.code).toBe(0);
    expect(r.out).toBe('chain/web created\nchain/web ready\n');
    expect(r.err).toMatch(/chain\/web: InstancesReady=False SpawnFailed: fw: runtime netns failed/);
  });

  it('--wait times out with exit 4 and says what each chain waits for', async () => {
    await writeFile(join(dir, 'a.yaml'), doc('web'));
    const r = await sfcctl(['apply', '-f', dir, '--wait', '--wait-timeout', '50ms'], { env, now: () => new Date() });
    expect(r.code).toBe(ExitCode.TIMEOUT);
    expect(r.err).toContain('error: timed out after 50ms: 1 chain is not Ready');
    expect(r.err).toContain('  chain/web: waiting for the controller to act on generation 1 (observed 0)');
  });
});

describe('get', () => {
  beforeEach(() => {
    for (const name of ['web', 'dns', 'ssh']) fake.put(readyChain(name, { app: name, tier: name === 'ssh' ? 'admin' : 'front' }));
    fake.put(pendingChain('api'));
    fake.nodes = NODES;
    fake.instances = INSTANCES;
  });

  it('prints chains as an aligned table, every page of them', async () => {
    const r = await sfcctl(['get', 'chains'], { env });
    expect(r.code).toBe(0);
    expect(r.out).toBe(
      [
        'NAME   READY   REASON              INGRESS   EGRESS   FUNCTIONS   GENERATION   AGE',
        'api    False   InstancesNotReady   edge1     edge2    fw,mon      1            5m55s',
        'dns    True    -                   edge1     edge2    fw,mon      1            5m55s',
        'ssh    True    -                   edge1     edge2    fw,mon      1            5m55s',
        'web    True    -                   edge1     edge2    fw,mon      1            5m55s',
        '',
      ].join('\n'),
    );
    expect(fake.calls.filter((c) => c === 'ListChains').length).toBe(2);
  });

  it('filters with a kubectl selector', async () => {
    const r = await sfcctl(['get', 'chains', '-l', 'tier=front,app!=dns', '-o', 'name'], { env });
    expect(r).toMatchObject({ code: 0, out: 'chain/web\n' });
  });

  it('-o yaml prints documents that apply again unchanged', async () => {
    const r = await sfcctl(['get', 'chains', 'web', '-o', 'yaml'], { env });
    expect(r.code).toBe(0);
    expect(parse(r.out)).toMatchObject({ apiVersion: 'srv6-sfc/v1alpha1', kind: 'ServiceChain', metadata: { name: 'web' } });
    const again = await sfcctl(['apply', '-f', '-'], { env, stdin: r.out });
    expect(again.out).toBe('chain/web unchanged\n');
  });

  it('-o json prints the whole resource with sorted keys and exact counters', async () => {
    const r = await sfcctl(['get', 'chains', 'web', '-o', 'json'], { env });
    const o = JSON.parse(r.out);
    expect(Object.keys(o)).toEqual(['apiVersion', 'kind', 'metadata', 'spec', 'status']);
    expect(o.metadata).toMatchObject({ name: 'web', generation: 1, etag: '"1-abc"' });
    expect(o.status.instances[0].packets).toBe('12345678901234567890');
    expect(o.status.reconciling).toBe(false);
    const list = JSON.parse((await sfcctl(['get', 'chains', '-o', 'json'], { env })).out);
    expect(list.kind).toBe('List');
    expect(list.items.map((c: { metadata: { name: string } }) => c.metadata.name)).toEqual(['api', 'dns', 'ssh', 'web']);
  });

  it('prints nodes and instances', async () => {
    const nodes = await sfcctl(['get', 'nodes'], { env });
    expect(nodes.out.split('\n')[0]).toBe('NAME    STATE         ROLE       ADDRESS                         LOCATOR       CAPACITY    HEARTBEAT');
    expect(nodes.out).toContain('fn2     UNREACHABLE   vnf-host   unix:/run/srv6-sfc/fn2.sock     fc00:4::/48   unbounded   70m');
    const edges = await sfcctl(['get', 'nodes', '-l', 'srv6-sfc/role=edge', '-o', 'name'], { env });
    expect(edges.out).toBe('node/edge1\nnode/edge2\n');
    const instances = await sfcctl(['get', 'instances', 'web'], { env });
    expect(instances.out).toBe(
      [
        'CHAIN   FUNCTION   NODE   STATE             ID          SID4         SID6         PACKETS',
        'web     fw         fn1    running           web-fw-0    fc00:3::d4   fc00:3::d6   42',
        'web     mon        fn2    exited (killed)   web-mon-0   -            -            -',
        '',
      ].join('\n'),
    );
    const one = JSON.parse((await sfcctl(['get', 'instances', 'web/fw', '-o', 'json'], { env })).out);
    expect(one).toMatchObject({ kind: 'Instance', name: 'web/fw', counters: { packets: '42', bytes: '4200', errors: '0' } });
  });

  it('exits 3 for a chain that does not exist, with the reason', async () => {
    const r = await sfcctl(['get', 'chains', 'nope'], { env });
    expect(r).toEqual({ code: ExitCode.NOT_FOUND, out: '', err: "error: chain/nope: chain 'nope' does not exist (NOT_FOUND: CHAIN_NOT_FOUND)\n" });
  });

  it('says so on stderr when nothing matches', async () => {
    const r = await sfcctl(['get', 'chains', '-l', 'app=none'], { env });
    expect(r).toEqual({ code: 0, out: '', err: 'No chains found.\n' });
  });
});

describe('describe', () => {
  it('shows path, SIDs per family, instances, conditions and their transitions', async () => {
    fake.put(readyChain('web'));
    fake.instances = INSTANCES;
    const r = await sfcctl(['describe', 'chain', 'web'], { env });
    expect(r.code).toBe(0);
    expect(r.out).toContain(['Path:', '  HOP             NODE    SID (IPv4)    SID (IPv6)', '  ingress         edge1   encap         encap', '  fw (firewall)   fn1     fc00:3::d4    fc00:3::d6', '  mon (monitor)   fn2     fc00:4::e     fc00:4::e', '  egress          edge2   fc00:2::d46   fc00:2::d46'].join('\n'));
    expect(r.out).toContain('  IPv4: fc00:3::d4 → fc00:4::e → fc00:2::d46');
    expect(r.out).toContain('  fw         fn1    web-fw-0    running           dynamic   fc00:3::d4   fc00:3::d6   42        4200');
    expect(r.out).toContain('  Ready            True     Ready              5m51s');
    expect(r.out).toMatch(/Events \(condition transitions, oldest first\):\n {2}AGE +CONDITION +REASON +MESSAGE\n {2}5m54s +Placed=True +Placed +every function has a node/);
  });

  it('falls back to the chain’s status when the instances cannot be listed, and says why', async () => {
    fake.put(readyChain('web'));
    fake.failing.set('ListInstances', new FailedPreconditionError('agents unreachable', 'NODE_NOT_READY'));
    const r = await sfcctl(['describe', 'chain/web'], { env });
    expect(r.code).toBe(0);
    expect(r.out).toContain('  fw         fn1    web-fw-0    -       dynamic   fc00:3::d4   fc00:3::d6   12345678901234567890   -');
    expect(r.err).toBe("warning: instance state unavailable (FAILED_PRECONDITION: agents unreachable); showing the chain's status only\n");
  });

  it('says nothing about instances when the controller has no InstanceService', async () => {
    const bare = new FakeController(false);
    const address = await bare.start();
    bare.put(readyChain('web'));
    const r = await sfcctl(['describe', 'chain', 'web', '--controller', address]);
    await bare.stop();
    expect(r).toMatchObject({ code: 0, err: '' });
    expect(r.out).toContain('Instances:');
  });

  it('exits 3 for an unknown chain', async () => {
    expect((await sfcctl(['describe', 'chain', 'nope'], { env })).code).toBe(ExitCode.NOT_FOUND);
  });
});

describe('delete', () => {
  it('deletes, then exits 3, unless --ignore-not-found', async () => {
    fake.put(readyChain('web'));
    expect(await sfcctl(['delete', 'chain', 'web'], { env })).toMatchObject({ code: 0, out: 'chain/web deleted\n' });
    expect(fake.chains.has('web')).toBe(false);
    expect((await sfcctl(['delete', 'chain', 'web'], { env })).code).toBe(ExitCode.NOT_FOUND);
    expect((await sfcctl(['delete', 'chain', 'web', '--ignore-not-found'], { env })).code).toBe(0);
  });

  it('exits 5 when the etag no longer matches', async () => {
    fake.put(readyChain('web'));
    const r = await sfcctl(['delete', 'chain', 'web', '--if-etag', '"0-old"'], { env });
    expect(r.code).toBe(ExitCode.CONFLICT);
    expect(r.err).toBe('error: chain/web: chain \'web\' changed since etag "0-old": re-read and retry (ABORTED: ETAG_MISMATCH)\n');
    expect(fake.chains.has('web')).toBe(true);
    expect((await sfcctl(['delete', 'chain', 'web', '--if-etag', '"1-abc"'], { env })).code).toBe(0);
  });
});

describe('diff', () => {
  it('prints the plan of a dry run: segments, and per node the instances, SIDs and kernel operations', async () => {
    const file = join(dir, 'web.yaml');
    await writeFile(file, doc('web'));
    const r = await sfcctl(['diff', '-f', file], { env });
    expect(r.code).toBe(0);
    expect(r.out).toBe(
      [
        'chain/web: would be created',
        '  segments IPv4: fc00:3::d4 → fc00:2::d46',
        '  node edge1: 1 to create, 0 to replace, 0 to delete (4 unchanged)',
        '  node edge2: no kernel change (2 unchanged)',
        '       sid  (egress decap)  fc00:2::d46  End.DT46',
        '  node fn1: 3 to create, 0 to replace, 0 to delete (0 unchanged)',
        '    +  instance  fw  web-fw-0    dx4 fc00:3::d4',
        '    +  sid       fw  fc00:3::d4  End.DX4',
        '',
      ].join('\n'),
    );
    expect(fake.chains.size).toBe(0);
  });
});

describe('watch', () => {
  it('prints the existing chains, then each change, until interrupted (exit 0)', async () => {
    fake.put(readyChain('web'));
    const stop = new AbortController();
    let step = 0;
    const r = await sfcctl(['watch'], {
      env,
      signal: stop.signal,
      // Each step waits for the output of the previous one (by content, not by chunk count: under
      // load several lines can arrive in one chunk).
      onOut: (out) => {
        if (step === 0 && out.includes('ADDED     chain/web')) {
          step = 1;
          fake.put({ ...pendingChain('web'), generation: 2 });
        } else if (step === 1 && out.includes('MODIFIED  chain/web')) {
          step = 2;
          fake.chains.delete('web');
          void sfcctl(['apply', '-f', '-'], { env, stdin: doc('new') });
        } else if (step === 2 && out.includes('chain/new')) {
          step = 3;
          stop.abort();
        }
      },
    });
    expect(r.code).toBe(0);
    expect(r.out.split('\n')).toEqual([
      '2025-01-02T03:10:00Z  ADDED     chain/web             gen 1    Ready=True Ready',
      '2025-01-02T03:10:00Z  MODIFIED  chain/web             gen 2    Ready=False InstancesNotReady',
      '2025-01-02T03:10:00Z  ADDED     chain/new             gen 1    Ready=Unknown (no conditions yet)',
      '',
    ]);
  });

  it('-o json prints one object per line', async () => {
    fake.put(readyChain('web'));
    const stop = new AbortController();
    const r = await sfcctl(['watch', 'chains', '-o', 'json'], { env, signal: stop.signal, onOut: () => stop.abort() });
    expect(JSON.parse(r.out)).toMatchObject({ type: 'ADDED', chain: { metadata: { name: 'web' } } });
  });

  it('ends with the stream’s status when the controller goes away', async () => {
    fake.put(readyChain('web'));
    // Stop the controller once the stream is open (its first event arrived).
    const done = await sfcctl(['watch'], { env, onOut: () => void fake.stop() });
    expect(done.code).toBe(ExitCode.UNREACHABLE);
    expect(done.err).toBe('error: the server is shutting down (UNAVAILABLE: SHUTTING_DOWN)\n  the controller is stopping or restarting: run the command again\n');
  });
});

describe('a controller that does not answer', () => {
  it('exits 6 once --timeout has passed', async () => {
    fake.hanging.add('ListChains');
    const r = await sfcctl(['get', 'chains', '--timeout', '100ms'], { env });
    expect(r).toEqual({ code: ExitCode.UNREACHABLE, out: '', err: `error: no answer from the controller at ${env.SFC_CONTROLLER} within 100ms (DEADLINE_EXCEEDED)\n  raise --timeout if the controller is busy\n` });
  });
});

describe('help, version and usage errors', () => {
  it('prints help and version on stdout, exit 0, without calling anyone', async () => {
    const help = await sfcctl(['apply', '--help'], { env });
    expect(help.code).toBe(0);
    expect(help.out).toContain('Usage: sfcctl apply -f FILE|DIR');
    const version = await sfcctl(['version'], { env });
    expect(version.out).toMatch(/^sfcctl \d+\.\d+\.\d+\nAPI srv6sfc\.v1\n/);
    expect(fake.calls).toEqual([]);
  });

  it('exits 2 on a bad command line, naming every problem, without calling anyone', async () => {
    const r = await sfcctl(['get', 'chains', '-o', 'xml', '--bogus'], { env });
    expect(r).toEqual({ code: ExitCode.INVALID, out: '', err: "error: unknown flag --bogus\n  --output: 'xml' is not one of table, yaml, json, name\nRun 'sfcctl get --help' for usage.\n" });
    expect(fake.calls).toEqual([]);
  });
});

describe('an unreachable controller', () => {
  it('exits 6 with where it tried', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const r = await sfcctl(['get', 'chains', '--controller', `127.0.0.1:${port}`], { env });
    expect(r.code).toBe(ExitCode.UNREACHABLE);
    expect(r.err).toMatch(new RegExp(`^error: cannot reach the controller at 127\\.0\\.0\\.1:${port}: connect ECONNREFUSED .* \\(UNAVAILABLE\\)\\n`));
    await mkdir(join(dir, 'sub'));
    const sock = await sfcctl(['apply', '-f', '-', '--controller', `unix:${join(dir, 'sub', 'none.sock')}`], { env, stdin: doc('web') });
    expect(sock.code).toBe(ExitCode.UNREACHABLE);
  });
});
