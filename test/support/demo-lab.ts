/**
 * The demo topology (topology/demo.clab.yml) deployed as a lab of its own name, for e2e tests:
 * `useDemoLab(name)` registers the beforeAll/afterAll pair and hands out the session. The
 * teardown asserts that nothing of the lab is left (node and instance namespaces).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { listNamespaces } from '../../src/lab/netns.js';
import { REPO_ROOT } from '../../src/lab/node-script.js';
import { instanceNamespacePrefix } from '../../src/lab/sfclab/lab-layout.js';
import { LabSession } from '../../src/lab/sfclab/lab-session.js';

/** The demo topology's nodes that run an agent. */
export const DEMO_ROLE_NODES = ['edge1', 'fn1', 'transit', 'fn2', 'edge2'] as const;

/** Deploys the demo lab as `name` before the file's tests and destroys it after; `lab()` is the session. */
export function useDemoLab(name: string, resyncSeconds = 2): () => LabSession {
  let dir: string | undefined;
  let session: LabSession | undefined;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), `sfc-e2e-${name}-`));
    const file = join(dir, 'lab.clab.yml');
    writeFileSync(file, readFileSync(join(REPO_ROOT, 'topology', 'demo.clab.yml'), 'utf8').replace(/^name: demo$/m, `name: ${name}`));
    session = await LabSession.deploy(file, () => undefined, resyncSeconds);
  }, 120_000);
  afterAll(async () => {
    await session?.destroy();
    if (dir) rmSync(dir, { recursive: true, force: true });
    expect(listNamespaces(`sfc-${name}-`)).toEqual([]);
    for (const n of DEMO_ROLE_NODES) expect(listNamespaces(instanceNamespacePrefix(name, n))).toEqual([]);
  }, 60_000);
  return () => {
    if (!session) throw new Error(`lab ${name} is not deployed (its beforeAll failed)`);
    return session;
  };
}
