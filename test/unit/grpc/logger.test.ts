/**
 * The logger as a process sees it: configured from the environment, writing to stderr only.
 * Run in a child process, because the root logger is per process and winston writes through the
 * console, which the test runner intercepts.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');

function run(code: string, env: Record<string, string>): { stdout: string; stderr: string } {
  const script = `import { logger } from './src/common/logger.ts';\n${code}`;
  const r = spawnSync(TSX, ['--eval', script], { cwd: ROOT, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 30_000 });
  if (r.status !== 0) throw new Error(`child failed: ${r.stderr}`);
  return { stdout: r.stdout, stderr: r.stderr };
}

describe('logger', () => {
  it('names the module, honours SFC_LOG_LEVEL, prints bigints, writes to stderr only', { timeout: 30_000 }, () => {
    const { stdout, stderr } = run(
      `const log = logger('agent.grpc'); log.info('not shown'); log.warn('controller unreachable', { retryInMs: 500, counters: 2n ** 64n, why: 'no route to host' });`,
      { SFC_LOG_LEVEL: 'warn', SFC_LOG_FORMAT: 'text' },
    );
    expect(stdout).toBe('');
    expect(stderr).not.toContain('not shown');
    expect(stderr).toMatch(/^\S+ warn agent\.grpc: controller unreachable retryInMs=500 counters=18446744073709551616 why="no route to host"\n$/);
  });

  it('writes one JSON object per line with SFC_LOG_FORMAT=json', { timeout: 30_000 }, () => {
    const { stderr } = run(`logger('controller.reconcile').debug('requeue', { chain: 'web', packets: 5n });`, { SFC_LOG_LEVEL: 'debug', SFC_LOG_FORMAT: 'json' });
    expect(JSON.parse(stderr.trim())).toMatchObject({ level: 'debug', message: 'requeue', module: 'controller.reconcile', chain: 'web', packets: '5' }); // bigints as strings, like uint64 in proto JSON
  });

  it('is quiet with SFC_LOG_LEVEL=silent', { timeout: 30_000 }, () => {
    expect(run(`logger('x').error('boom');`, { SFC_LOG_LEVEL: 'silent' }).stderr).toBe('');
  });
});
