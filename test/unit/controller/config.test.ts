import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../../src/common/errors.js';
import { parseControllerArgs } from '../../../src/controller/config.js';

const violations = (argv: string[]): [string, string][] => {
  try {
    parseControllerArgs(argv);
  } catch (e) {
    if (e instanceof InvalidArgumentError) return e.violations.map((v) => [v.field, v.description]);
    throw e;
  }
  return [];
};

describe('sfc-controller flags', () => {
  it('defaults everything, no topology', () => {
    expect(parseControllerArgs([])).toEqual({ kind: 'run', config: { listen: '[::]:50051', stateDir: '/var/lib/srv6-sfc', livenessMs: 30_000, resyncMs: 30_000 } });
  });

  it('takes --topology FILE and --topology=FILE', () => {
    const spaced = parseControllerArgs(['--topology', 'lab/demo.clab.yml']);
    const joined = parseControllerArgs(['--topology=lab/demo.clab.yml', '--resync', '0']);
    expect(spaced.kind === 'run' && spaced.config.topologyFile).toBe('lab/demo.clab.yml');
    expect(joined.kind === 'run' && joined.config).toMatchObject({ topologyFile: 'lab/demo.clab.yml', resyncMs: 0 });
  });

  it('names the flag when --topology has no value', () => {
    expect(violations(['--topology'])).toEqual([['--topology', 'needs a value']]);
    expect(violations(['--topology='])).toEqual([['--topology', 'needs a file name']]);
  });
});
