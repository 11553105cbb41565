/**
 * The external-client test (DESIGN.md §6): a Python grpcio client, with stubs generated from
 * proto/ at test time by Debian's python3-grpc-tools, drives the northbound API of a real
 * controller server (test/external/northbound_client.py): health, a dry run, create, list, get,
 * a refused call with its rich error details, delete.
 *
 * Debian's python3-grpcio and python3-grpc-tools are required (scripts/setup.sh installs them):
 * without them this test fails, saying so — it never skips.
 *
 * bookworm's grpc-tools bundles protoc 3.5, which predates proto3 `optional` (3.15). When that
 * protoc refuses the files, the copy it compiles spells each `optional T f = N;` as
 * `oneof _f { T f = N; }`: exactly what `optional` means (a synthetic oneof named `_f`, field
 * presence, the same wire encoding), in syntax old compilers know. A newer grpc-tools compiles
 * proto/ as it is.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { PROTO_ROOT } from '../../../../src/common/grpc/load-proto.js';
import { type Controller, startController } from './server-support.js';

const run = promisify(execFile);

/** Debian's interpreter: the packages are installed for it, whatever `python3` is first on PATH. */
const PYTHON = '/usr/bin/python3';
const CLIENT = join(PROTO_ROOT, '..', 'test', 'external', 'northbound_client.py');
/**
 * What a client of the controller compiles (docs/api.md): the northbound package, google.rpc, and
 * health — from `grpc_health/v1/`, as grpcio-health-checking ships it, because a Python module
 * path follows the file's path and `grpc.health` would be shadowed by grpcio's own `grpc` package
 * (the proto package, and so the service name `grpc.health.v1.Health`, stay the same).
 */
const CLIENT_PROTOS = ['srv6sfc/v1', 'google/rpc', 'grpc_health/v1'];

const work = mkdtempSync(join(tmpdir(), 'sfc-pyclient-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function protoFiles(root: string): string[] {
  return CLIENT_PROTOS.flatMap((dir) => readdirSync(join(root, dir)).filter((f) => f.endsWith('.proto')).map((f) => join(dir, f)));
}

/** `optional T f = N;` → `oneof _f { T f = N; }` in every file under `dir`. */
function spellOptionalAsOneof(dir: string): void {
  for (const entry of readdirSync(dir, { recursive: true }) as string[]) {
    const path = join(dir, entry);
    if (!path.endsWith('.proto') || !statSync(path).isFile()) continue;
    const text = readFileSync(path, 'utf8');
    writeFileSync(path, text.replace(/^(\s*)optional\s+([\w.]+)\s+(\w+)\s*=\s*(\d+)\s*;/gm, '$1oneof _$3 { $2 $3 = $4; }'));
  }
}

async function protoc(src: string, out: string): Promise<void> {
  await run(PYTHON, ['-m', 'grpc_tools.protoc', '-I', src, `--python_out=${out}`, `--grpc_python_out=${out}`, ...protoFiles(src)], { timeout: 60_000 });
}

/** Generates the Python stubs into `work/gen`; returns how (as is, or with `optional` respelled). */
async function generate(): Promise<'as is' | 'optional as oneof'> {
  try {
    await run(PYTHON, ['-c', 'import grpc, grpc_tools.protoc'], { timeout: 30_000 });
  } catch (err) {
    throw new Error(
      `the Python client test needs Debian's python3-grpcio and python3-grpc-tools for ${PYTHON} (run scripts/setup.sh as root, or apt-get install python3-grpcio python3-grpc-tools): ${(err as Error).message}`,
    );
  }
  const out = join(work, 'gen');
  mkdirSync(out);
  // A copy, so the respelling below never touches the repository's files.
  const src = join(work, 'proto');
  cpSync(PROTO_ROOT, src, { recursive: true });
  renameSync(join(src, 'grpc'), join(src, 'grpc_health-tmp'));
  renameSync(join(src, 'grpc_health-tmp', 'health'), join(src, 'grpc_health'));
  try {
    await protoc(src, out);
    return 'as is';
  } catch (err) {
    if (!/Explicit 'optional' labels are disallowed/.test(String((err as { stderr?: string }).stderr))) throw err;
  }
  spellOptionalAsOneof(src);
  await protoc(src, out);
  return 'optional as oneof';
}

let c: Controller | undefined;
afterAll(async () => {
  await c?.close();
});

describe('a Python grpcio client generated from proto/', () => {
  // Generation runs inside the test, not in a hook: missing packages must fail this test, which
  // a failing hook would report as skipped.
  it('checks health, dry-runs, creates, lists, gets and deletes a chain, and reads error details', { timeout: 120_000 }, async () => {
    const how = await generate();
    c = await startController();
    let stdout: string;
    try {
      ({ stdout } = await run(PYTHON, [CLIENT, join(work, 'gen'), c.address], { timeout: 45_000 }));
    } catch (err) {
      const e = err as { stdout?: string; stderr?: string };
      throw new Error(`the Python client failed (stubs compiled ${how}):\n${e.stdout ?? ''}\n${e.stderr ?? ''}`);
    }
    const steps = Object.fromEntries(
      stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { step: string })
        .map((s) => [s.step, s]),
    );
    expect(steps.health).toEqual({ step: 'health', status: 'SERVING' });
    expect(steps['dry-run']).toEqual({ step: 'dry-run', nodes: ['nodes/edge1', 'nodes/edge2', 'nodes/host1'], generation: 1 });
    expect(steps.create).toMatchObject({ name: 'chains/web', generation: 1, has_plan: false });
    expect(steps.list).toEqual({ step: 'list', names: ['chains/web'], next_page_token: '' });
    expect(steps.get).toEqual({
      step: 'get',
      name: 'chains/web',
      labels: { app: 'web' },
      functions: ['fw', 'mon'],
      types: ['firewall', 'monitor'],
      decap: 'DECAP_MODE_AUTO',
      reconciling: true,
      create_time_set: true,
    });
    expect(steps.invalid).toEqual({
      step: 'invalid',
      error: {
        code: 'INVALID_ARGUMENT',
        reason: 'INVALID_ARGUMENT',
        domain: 'srv6-sfc',
        violations: [{ field: 'chain.spec.egress.node', description: "unknown node 'nowhere' (known: edge1, edge2, host1, host2)" }],
      },
    });
    expect(steps.deleted).toEqual({ step: 'deleted', error: { code: 'NOT_FOUND', reason: 'CHAIN_NOT_FOUND', domain: 'srv6-sfc', violations: [] } });
    expect(await c.store.read()).toMatchObject({ chains: {} });
  });
});
