/** Command-line parsing: every command, flag spellings, global flags anywhere, and clear errors. */
import { describe, expect, it } from 'vitest';
import { checkAddress } from '../../../src/cli/args/address.js';
import { DEFAULT_TIMEOUT_MS, DEFAULT_WAIT_TIMEOUT_MS, parseCommandLine } from '../../../src/cli/args/command-line.js';
import { formatDuration, parseDuration } from '../../../src/cli/args/duration.js';
import { scanArgs } from '../../../src/cli/args/scan.js';
import { parseSelector } from '../../../src/cli/args/selector.js';
import { UsageError } from '../../../src/cli/errors.js';
import { ExitCode } from '../../../src/cli/exit-codes.js';

const parse = (...argv: string[]) => parseCommandLine(argv, {});
const command = (...argv: string[]) => parse(...argv).command;

function problems(argv: string[], env: Record<string, string> = {}): { problems: readonly string[]; command?: string } {
  try {
    parseCommandLine(argv, env);
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    const e = err as UsageError;
    expect(e.exitCode).toBe(ExitCode.INVALID);
    return { problems: e.problems, ...(e.command ? { command: e.command } : {}) };
  }
  throw new Error(`expected a UsageError for ${argv.join(' ')}`);
}

describe('parseCommandLine', () => {
  it('reads apply with every flag and its defaults', () => {
    expect(command('apply', '-f', 'a.yaml', '--filename=dir', '-R', '--wait', '--wait-timeout', '90s')).toEqual({
      kind: 'apply',
      files: ['a.yaml', 'dir'],
      recursive: true,
      dryRun: false,
      wait: true,
      waitTimeoutMs: 90_000,
    });
    expect(command('apply', '-fchains/', '--dry-run')).toEqual({ kind: 'apply', files: ['chains/'], recursive: false, dryRun: true, wait: false, waitTimeoutMs: DEFAULT_WAIT_TIMEOUT_MS });
    expect(command('apply', '-f', '-')).toMatchObject({ files: ['-'] });
  });

  it('reads get in its forms', () => {
    expect(command('get', 'chains')).toEqual({ kind: 'get', resource: 'chains', output: 'table', selector: [] });
    expect(command('get', 'chain', 'web', '-oyaml')).toEqual({ kind: 'get', resource: 'chains', name: 'web', output: 'yaml', selector: [] });
    expect(command('get', 'chain/web', '--output=json')).toMatchObject({ resource: 'chains', name: 'web', output: 'json' });
    expect(command('get', 'no', '-l', 'srv6-sfc/role=edge,!canary')).toEqual({
      kind: 'get',
      resource: 'nodes',
      output: 'table',
      selector: [
        { key: 'srv6-sfc/role', op: 'eq', value: 'edge' },
        { key: 'canary', op: 'notExists' },
      ],
    });
    expect(command('get', 'instances', 'web/fw', '-o', 'name')).toMatchObject({ resource: 'instances', name: 'web/fw', output: 'name' });
    expect(command('get', 'instance/web/fw')).toMatchObject({ resource: 'instances', name: 'web/fw' });
  });

  it('reads describe, delete, diff, watch and version', () => {
    expect(command('describe', 'chain', 'web')).toEqual({ kind: 'describe', resource: 'chains', name: 'web' });
    expect(command('describe', 'ch/web')).toEqual({ kind: 'describe', resource: 'chains', name: 'web' });
    expect(command('delete', 'chain', 'a', 'b', '--ignore-not-found', '--dry-run')).toEqual({ kind: 'delete', resource: 'chains', names: ['a', 'b'], ignoreNotFound: true, dryRun: true });
    expect(command('delete', 'chain', 'web', '--if-etag', '"3-x"')).toMatchObject({ names: ['web'], etag: '"3-x"' });
    expect(command('diff', '-f', 'x.yaml', '-R')).toEqual({ kind: 'diff', files: ['x.yaml'], recursive: true });
    expect(command('watch')).toEqual({ kind: 'watch', resource: 'chains', selector: [], output: 'table' });
    expect(command('watch', 'chains', '-l', 'app', '-o', 'json')).toEqual({ kind: 'watch', resource: 'chains', selector: [{ key: 'app', op: 'exists' }], output: 'json' });
    expect(command('version')).toEqual({ kind: 'version' });
  });

  it('takes global flags before or after the command, the flag over the environment over the default', () => {
    expect(parse('get', 'chains').global).toEqual({ controller: '127.0.0.1:50051', timeoutMs: DEFAULT_TIMEOUT_MS });
    expect(parseCommandLine(['get', 'chains'], { SFC_CONTROLLER: 'unix:/run/sfc.sock' }).global.controller).toBe('unix:/run/sfc.sock');
    expect(parseCommandLine(['--controller', '[::1]:7000', 'get', 'chains'], { SFC_CONTROLLER: 'unix:/x' }).global.controller).toBe('[::1]:7000');
    expect(parse('get', 'chains', '--controller=ctl:7000', '--timeout', '5s').global).toEqual({ controller: 'ctl:7000', timeoutMs: 5000 });
    expect(parse('--timeout=2m', 'version').global.timeoutMs).toBe(120_000);
    // An empty variable is as good as unset.
    expect(parseCommandLine(['version'], { SFC_CONTROLLER: '' }).global.controller).toBe('127.0.0.1:50051');
  });

  it('answers help in every spelling', () => {
    expect(command('--help')).toEqual({ kind: 'help' });
    expect(command('-h')).toEqual({ kind: 'help' });
    expect(command('help')).toEqual({ kind: 'help' });
    expect(command('help', 'apply')).toEqual({ kind: 'help', topic: 'apply' });
    expect(command('get', '--help')).toEqual({ kind: 'help', topic: 'get' });
    // Help wins over problems elsewhere on the line: the user is asking how to fix them.
    expect(command('apply', '--bogus', '-h')).toEqual({ kind: 'help', topic: 'apply' });
    expect(command('--', 'version')).toEqual({ kind: 'version' });
  });

  it('reports unknown commands, flags and resources with a guess', () => {
    expect(problems(['aply'])).toEqual({ problems: ["unknown command 'aply'; did you mean 'apply'?"] });
    expect(problems([])).toEqual({ problems: ['missing command'] });
    expect(problems(['help', 'nope'])).toEqual({ problems: ["unknown command 'nope'"] });
    expect(problems(['get', 'chains', 'web', '--ouput', 'yaml'])).toEqual({ problems: ['unknown flag --ouput; did you mean --output?', 'one NAME at most (got web yaml)'], command: 'get' });
  });

  it('collects every problem of one command line', () => {
    expect(problems(['get', 'chainz', '-o', 'yml', '-x'])).toEqual({
      problems: ['unknown flag -x', "unknown resource type 'chainz' (chains, nodes, instances); did you mean 'chains'?", "--output: 'yml' is not one of table, yaml, json, name"],
      command: 'get',
    });
    expect(problems(['-o', 'yaml', 'get', 'chains']).problems).toEqual(["unknown flag -o (a command's flags come after the command)", "unknown command 'yaml'"]);
    expect(problems(['--wait', 'apply', '-f', 'x']).problems).toEqual(["unknown flag --wait (a command's flags come after the command)"]);
    expect(problems(['apply', 'x.yaml', '--wait-timeout', 'soon']).problems).toEqual([
      'unexpected argument: x.yaml',
      'missing -f FILE|DIR: what to apply',
      '--wait-timeout needs --wait',
      "--wait-timeout: 'soon' is not a duration (e.g. 500ms, 30s, 2m, 1m30s; a bare number is seconds)",
    ]);
  });

  it('refuses missing values, values on switches and bad names', () => {
    expect(problems(['get', 'chains', '-o']).problems).toEqual(['flag --output needs a value (FORMAT)']);
    expect(problems(['get', 'chains', '-o', '--wait']).problems).toEqual(['flag --output needs a value (FORMAT)', 'unknown flag --wait']);
    expect(problems(['apply', '-f', 'x', '--dry-run=maybe']).problems).toEqual(["flag --dry-run takes no value (or =true, =false), got 'maybe'"]);
    expect(command('apply', '-f', 'x', '--dry-run=false')).toMatchObject({ dryRun: false });
    expect(problems(['get', 'chains', 'Web_1']).problems).toEqual(["'Web_1' is not a valid name (a chain name is a DNS label: lowercase letters, digits, -, 1..63)"]);
    expect(problems(['get', 'instances', 'web/fw/x']).problems).toEqual(["'web/fw/x' is not a valid name (an instance is CHAIN or CHAIN/FUNCTION)"]);
    expect(problems(['describe', 'chain']).problems).toEqual(['missing the chain NAME']);
    expect(problems(['describe', 'nodes', 'edge1']).problems).toEqual(["unknown resource type 'nodes' (chains)"]);
    expect(problems(['delete', 'chain', 'a', 'b', '--if-etag', 'e']).problems).toEqual(['--if-etag is the version of one chain: name one chain']);
    expect(problems(['get', 'chains', 'web', '-l', 'app=web']).problems).toEqual(['-l selects among all resources: not with a NAME']);
    expect(problems(['get', 'instances', '-l', 'app=web']).problems).toEqual(['-l is not supported for instances (they have no labels): name the chain instead']);
    expect(problems(['watch', 'web']).problems).toEqual(["unknown resource type 'web' (chains)"]);
    expect(problems(['apply', '-f', 'x', '--wait', '--dry-run']).problems).toEqual(['--wait and --dry-run do not go together: a dry run changes nothing to wait for']);
  });

  it('checks the controller address, naming where it came from', () => {
    expect(problems(['get', 'chains', '--controller', 'localhost']).problems).toEqual(["--controller: 'localhost' is not HOST:PORT, [IPv6]:PORT or unix:PATH"]);
    expect(problems(['get', 'chains'], { SFC_CONTROLLER: 'http://x' }).problems).toEqual(["SFC_CONTROLLER: 'http://x' is not HOST:PORT, [IPv6]:PORT or unix:PATH"]);
  });
});

describe('scanArgs', () => {
  const flags = [
    { name: 'output', short: 'o', value: 'FORMAT', help: '' },
    { name: 'filename', short: 'f', value: 'FILE', repeatable: true, help: '' },
    { name: 'wait', help: '' },
  ];

  it('keeps positionals in order, stops at --, and the last of a non-repeatable flag wins', () => {
    const p: string[] = [];
    const s = scanArgs(['a', '-o', 'json', 'b', '--output=yaml', '-f', 'x', '-fy', '--', '-o', 'c'], flags, p);
    expect(p).toEqual([]);
    expect(s.positionals).toEqual(['a', 'b', '-o', 'c']);
    expect(s.values.get('output')).toEqual(['yaml']);
    expect(s.values.get('filename')).toEqual(['x', 'y']);
  });

  it('refuses a value attached to a switch', () => {
    const p: string[] = [];
    scanArgs(['-wx'], [{ name: 'wait', short: 'w', help: '' }], p);
    expect(p).toEqual(["flag -w takes no value, got '-wx' (give switches one by one)"]);
  });
});

describe('parseSelector', () => {
  it('reads kubectl equality-based selectors', () => {
    expect(parseSelector('app=web, tier==front,env!=prod,canary,!legacy,empty=')).toEqual({
      filter: [
        { key: 'app', op: 'eq', value: 'web' },
        { key: 'tier', op: 'eq', value: 'front' },
        { key: 'env', op: 'ne', value: 'prod' },
        { key: 'canary', op: 'exists' },
        { key: 'legacy', op: 'notExists' },
        { key: 'empty', op: 'eq', value: '' },
      ],
    });
  });

  it('refuses set-based forms and malformed terms, each', () => {
    expect(parseSelector('env in (a,b)')).toEqual({ errors: ["'env in (a,b)': set-based requirements (in, notin) are not supported; the API filter has no OR"] });
    expect(parseSelector('a=b,,c d=e,x=y z')).toEqual({
      errors: ['an empty requirement (two commas, or a trailing one)', "'c d=e': 'c d' is not a label key (letters, digits, '.', '_', '/', '-')", "'x=y z': 'y z' is not a label value (letters, digits, '.', '_', '/', '-')"],
    });
    expect(parseSelector('a b')).toEqual({ errors: ["'a b' is not key, !key, key=value or key!=value"] });
  });
});

describe('durations', () => {
  it('reads Go-style durations and bare seconds', () => {
    expect(parseDuration('500ms')).toEqual({ ms: 500 });
    expect(parseDuration('1m30s')).toEqual({ ms: 90_000 });
    expect(parseDuration('1h')).toEqual({ ms: 3_600_000 });
    expect(parseDuration('2.5s')).toEqual({ ms: 2500 });
    expect(parseDuration('10')).toEqual({ ms: 10_000 });
    expect(parseDuration('0s')).toEqual({ error: "'0s' must be more than zero" });
    for (const bad of ['', 's', '5x', '1m 30s', '-1s', '5s5']) expect(parseDuration(bad)).toHaveProperty('error');
  });

  it('prints the shortest exact spelling', () => {
    expect([120_000, 90_000, 1500, 3_600_000, 3_661_000, 0].map(formatDuration)).toEqual(['2m', '1m30s', '1500ms', '1h', '1h1m1s', '0s']);
  });
});

describe('checkAddress', () => {
  it('accepts host:port, [v6]:port and unix:path only', () => {
    for (const ok of ['127.0.0.1:50051', 'ctl.example:7000', '[::1]:7000', 'unix:/run/sfc.sock', 'unix:///run/sfc.sock']) expect(checkAddress(ok)).toBeUndefined();
    for (const bad of ['localhost', ':7000', 'ctl:0', 'ctl:70000', 'unix:', '::1:7000']) expect(checkAddress(bad)).toMatch(/is not HOST:PORT/);
  });
});
