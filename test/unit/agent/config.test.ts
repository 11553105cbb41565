import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../../src/common/errors.js';
import { parseAgentArgs } from '../../../src/agent/config.js';

const fields = (argv: string[]): string[] => {
  try {
    parseAgentArgs(argv);
  } catch (e) {
    if (e instanceof InvalidArgumentError) return e.violations.map((v) => v.field);
    throw e;
  }
  return [];
};

describe('sfc-agent flags', () => {
  it('defaults what it can', () => {
    const cmd = parseAgentArgs(['--name', 'edge1', '--locator', 'fc00:1::/48']);
    expect(cmd).toEqual({
      kind: 'run',
      config: { name: 'edge1', locator: 'fc00:1::/48', listen: '[::]:50151', advertise: '[::]:50151', stateDir: '/run/srv6-sfc/edge1', resyncMs: 10_000, heartbeatMs: 10_000, scope: 'edge1', poolSize: 0, spawnConcurrency: 4, labels: {} },
    });
  });

  it('takes --flag=value, unix sockets, a controller, teardown and help', () => {
    const cmd = parseAgentArgs(['--name=fn1', '--locator=fc00:2::/48', '--listen', 'unix:/run/a.sock', '--controller', '127.0.0.1:50051', '--resync', '0']);
    expect(cmd.kind === 'run' && cmd.config).toMatchObject({ listen: 'unix:/run/a.sock', advertise: 'unix:/run/a.sock', controller: '127.0.0.1:50051', resyncMs: 0 });
    expect(parseAgentArgs(['teardown', '--name', 'fn1']).kind).toBe('teardown');
    const hb = parseAgentArgs(['--name=fn1', '--locator=fc00:2::/48', '--heartbeat', '2']);
    expect(hb.kind === 'run' && hb.config.heartbeatMs).toBe(2000);
    expect(() => parseAgentArgs(['--name=fn1', '--locator=fc00:2::/48', '--heartbeat', '0'])).toThrow(/at least 1 second/);
    expect(parseAgentArgs(['--help']).kind).toBe('help');
  });

  it('--scope names the machine-wide objects (default: the node name); a bad one is refused', () => {
    const cmd = parseAgentArgs(['--name=fn1', '--locator=fc00:2::/48', '--scope', 'lab1-fn1']);
    expect(cmd.kind === 'run' && cmd.config.scope).toBe('lab1-fn1');
    const td = parseAgentArgs(['teardown', '--name', 'fn1', '--scope', 'lab1-fn1']);
    expect(td.kind === 'teardown' && td.config.scope).toBe('lab1-fn1');
    expect(fields(['--name=fn1', '--locator=fc00:2::/48', '--scope', 'a.b'])).toEqual(['--scope']);
    expect(fields(['--name=fn1', '--locator=fc00:2::/48', '--scope', '../x'])).toEqual(['--scope']);
  });

  it('--spawn-concurrency: how many instance operations one apply runs at once (1..64)', () => {
    const cmd = parseAgentArgs(['--name=fn1', '--locator=fc00:2::/48', '--spawn-concurrency', '8']);
    expect(cmd.kind === 'run' && cmd.config.spawnConcurrency).toBe(8);
    const one = parseAgentArgs(['--name=fn1', '--locator=fc00:2::/48', '--spawn-concurrency=1']);
    expect(one.kind === 'run' && one.config.spawnConcurrency).toBe(1);
    for (const bad of ['0', '65', 'x', '-2']) expect(fields(['--name=fn1', '--locator=fc00:2::/48', '--spawn-concurrency', bad])).toEqual(['--spawn-concurrency']);
    expect(() => parseAgentArgs(['--name=fn1', '--locator=fc00:2::/48', '--spawn-concurrency', '0'])).toThrow(/at least 1/);
  });

  it('reports every bad flag at once, by name', () => {
    expect(fields(['--name', 'a b', '--locator', '10.0.0.0/8', '--listen', 'nowhere', '--resync', '-1', '--bogus', 'x'])).toEqual([
      '--bogus',
      'x', // an unknown option's value cannot be told from a stray argument
      '--name',
      '--locator',
      '--listen',
      '--resync',
    ]);
    expect(fields([])).toEqual(['--name', '--locator']);
    expect(fields(['--name'])).toEqual(['--name', '--name', '--locator']);
  });
});
