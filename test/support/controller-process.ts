/** An sfc-controller process for tests, on a unix socket; sfcctl runs against it. */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '../../src/lab/node-script.js';

const run = promisify(execFile);

export class ControllerProcess {
  private child?: ChildProcess;
  readonly socket: string;
  readonly logFile: string;

  constructor(readonly dir: string) {
    this.socket = join(dir, 'controller.sock');
    this.logFile = join(dir, 'controller.log');
  }

  get address(): string {
    return `unix:${this.socket}`;
  }

  async start(): Promise<void> {
    const out = openSync(this.logFile, 'a');
    this.child = spawn(join(REPO_ROOT, 'bin', 'sfc-controller'), ['--listen', this.address, '--state-dir', join(this.dir, 'store'), '--resync', '2', '--liveness', '5'], {
      stdio: ['ignore', out, out],
    });
    for (let i = 0; i < 100; i++) {
      if (this.log().includes('controller ready')) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`controller did not start:\n${this.log()}`);
  }

  /** Runs sfcctl against this controller; resolves {code, stdout, stderr} whatever the exit code. */
  async sfcctl(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    try {
      const r = await run(join(REPO_ROOT, 'bin', 'sfcctl'), ['--controller', this.address, ...args], { timeout: 120_000 });
      return { code: 0, stdout: r.stdout, stderr: r.stderr };
    } catch (e) {
      const err = e as { code?: number; stdout?: string; stderr?: string };
      return { code: typeof err.code === 'number' ? err.code : 1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
    }
  }

  stop(): Promise<void> {
    const c = this.child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      c.once('exit', () => resolve());
      c.kill('SIGTERM');
    });
  }

  log(): string {
    try {
      return readFileSync(this.logFile, 'utf8');
    } catch {
      return '';
    }
  }
}
