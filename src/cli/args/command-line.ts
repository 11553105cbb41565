/**
 * argv (and the environment) → what to run: global options and one typed command, or a
 * UsageError listing every problem at once with a pointer to the command's help. Pure.
 *
 * Global flags may come before or after the command (`sfcctl --controller X get chains` and
 * `sfcctl get chains --controller X`); a command's own flags come after it.
 */
import { closest } from '../../chains/checks.js';
import type { LabelFilter } from '../../controller/grpc/codecs/label-filter.js';
import { CHAIN_NAME } from '../../model/chain.js';
import { UsageError } from '../errors.js';
import { CONTROLLER_ENV, DEFAULT_CONTROLLER, checkAddress } from './address.js';
import { parseDuration } from './duration.js';
import { type Scanned, scanArgs } from './scan.js';
import { parseSelector } from './selector.js';
import { COMMANDS, type CommandName, GLOBAL_FLAGS, commandSpec } from './specs.js';

export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_WAIT_TIMEOUT_MS = 120_000;

export interface GlobalOptions {
  readonly controller: string;
  /** Deadline of each unary call. */
  readonly timeoutMs: number;
}

export type Resource = 'chains' | 'nodes' | 'instances';
export type GetOutput = 'table' | 'yaml' | 'json' | 'name';
export type WatchOutput = 'table' | 'json';

export type Command =
  | { readonly kind: 'help'; readonly topic?: CommandName }
  | { readonly kind: 'version' }
  | {
      readonly kind: 'apply';
      readonly files: readonly string[];
      readonly recursive: boolean;
      readonly dryRun: boolean;
      readonly wait: boolean;
      readonly waitTimeoutMs: number;
    }
  | { readonly kind: 'diff'; readonly files: readonly string[]; readonly recursive: boolean }
  | { readonly kind: 'get'; readonly resource: Resource; readonly name?: string; readonly output: GetOutput; readonly selector: LabelFilter }
  | { readonly kind: 'describe'; readonly resource: 'chains'; readonly name: string }
  | {
      readonly kind: 'delete';
      readonly resource: 'chains';
      readonly names: readonly string[];
      readonly etag?: string;
      readonly ignoreNotFound: boolean;
      readonly dryRun: boolean;
    }
  | { readonly kind: 'watch'; readonly resource: 'chains'; readonly selector: LabelFilter; readonly output: WatchOutput };

export interface Invocation {
  readonly global: GlobalOptions;
  readonly command: Command;
}

const RESOURCE_ALIASES: Readonly<Record<string, Resource>> = {
  chains: 'chains',
  chain: 'chains',
  ch: 'chains',
  nodes: 'nodes',
  node: 'nodes',
  no: 'nodes',
  instances: 'instances',
  instance: 'instances',
  inst: 'instances',
};

/** Where the command word is: the first positional, skipping global flags and their values. */
function commandIndex(argv: readonly string[]): number {
  const takesValue = new Set(GLOBAL_FLAGS.filter((f) => f.value).map((f) => `--${f.name}`));
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') return i + 1 < argv.length ? i + 1 : -1;
    if (takesValue.has(a)) i++;
    else if (!a.startsWith('-')) return i;
  }
  return -1;
}

/** Accumulates problems while a command is built from its scanned arguments. */
class Builder {
  readonly problems: string[] = [];
  constructor(readonly args: Scanned) {}

  one(name: string): string | undefined {
    const v = this.args.values.get(name);
    return v?.[v.length - 1];
  }

  all(name: string): readonly string[] {
    return this.args.values.get(name) ?? [];
  }

  on(name: string): boolean {
    return this.args.switches.has(name);
  }

  duration(name: string, dflt: number): number {
    const text = this.one(name);
    if (text === undefined) return dflt;
    const d = parseDuration(text);
    if ('error' in d) {
      this.problems.push(`--${name}: ${d.error}`);
      return dflt;
    }
    return d.ms;
  }

  choice<T extends string>(name: string, allowed: readonly T[], dflt: T): T {
    const text = this.one(name);
    if (text === undefined) return dflt;
    if ((allowed as readonly string[]).includes(text)) return text as T;
    this.problems.push(`--${name}: '${text}' is not one of ${allowed.join(', ')}`);
    return dflt;
  }

  selector(): LabelFilter {
    const text = this.one('selector');
    if (text === undefined) return [];
    const s = parseSelector(text);
    if ('errors' in s) {
      this.problems.push(...s.errors.map((e) => `--selector: ${e}`));
      return [];
    }
    return s.filter;
  }

  /** The resource type and the names after it; `chain/web` counts as type and name. */
  resource(allowed: readonly Resource[], dflt?: Resource): { resource: Resource; names: string[] } | undefined {
    const [first, ...rest] = this.args.positionals;
    if (first === undefined) {
      if (dflt) return { resource: dflt, names: [] };
      this.problems.push(`missing the resource type: ${allowed.join(', ')}`);
      return undefined;
    }
    const slash = first.indexOf('/');
    const word = slash === -1 ? first : first.slice(0, slash);
    const resource = RESOURCE_ALIASES[word];
    if (!resource || !allowed.includes(resource)) {
      const guess = closest(word, Object.keys(RESOURCE_ALIASES).filter((k) => allowed.includes(RESOURCE_ALIASES[k]!)));
      this.problems.push(`unknown resource type '${word}' (${allowed.join(', ')})${guess ? `; did you mean '${guess}'?` : ''}`);
      return undefined;
    }
    return { resource, names: slash === -1 ? rest : [first.slice(slash + 1), ...rest] };
  }

  /** Checks a name of a resource type; keeps it either way (problems say what is wrong). */
  name(resource: Resource, name: string): string {
    const ok =
      resource === 'chains'
        ? CHAIN_NAME.test(name)
        : resource === 'nodes'
          ? /^[^/]+$/.test(name)
          : /^[^/]+(\/[^/]+)?$/.test(name) && name.split('/').every((p) => CHAIN_NAME.test(p));
    if (!ok) {
      const rule =
        resource === 'chains'
          ? 'a chain name is a DNS label: lowercase letters, digits, -, 1..63'
          : resource === 'nodes'
            ? 'a node name has no /'
            : 'an instance is CHAIN or CHAIN/FUNCTION';
      this.problems.push(`'${name}' is not a valid name (${rule})`);
    }
    return name;
  }

  noPositionals(from = 0): void {
    const extra = this.args.positionals.slice(from);
    if (extra.length > 0) this.problems.push(`unexpected argument${extra.length > 1 ? 's' : ''}: ${extra.join(' ')}`);
  }
}

type Build = (b: Builder) => Command | undefined;

const BUILDERS: Readonly<Record<Exclude<CommandName, 'help'>, Build>> = {
  version: (b) => {
    b.noPositionals();
    return { kind: 'version' };
  },
  apply: (b) => {
    b.noPositionals();
    const files = b.all('filename');
    if (files.length === 0) b.problems.push('missing -f FILE|DIR: what to apply');
    const wait = b.on('wait');
    if (!wait && b.one('wait-timeout') !== undefined) b.problems.push('--wait-timeout needs --wait');
    if (wait && b.on('dry-run')) b.problems.push('--wait and --dry-run do not go together: a dry run changes nothing to wait for');
    return { kind: 'apply', files, recursive: b.on('recursive'), dryRun: b.on('dry-run'), wait, waitTimeoutMs: b.duration('wait-timeout', DEFAULT_WAIT_TIMEOUT_MS) };
  },
  diff: (b) => {
    b.noPositionals();
    const files = b.all('filename');
    if (files.length === 0) b.problems.push('missing -f FILE|DIR: what to compare');
    return { kind: 'diff', files, recursive: b.on('recursive') };
  },
  get: (b) => {
    const r = b.resource(['chains', 'nodes', 'instances']);
    const output = b.choice('output', ['table', 'yaml', 'json', 'name'] as const, 'table');
    const selector = b.selector();
    if (!r) return undefined;
    if (r.names.length > 1) b.problems.push(`one NAME at most (got ${r.names.join(' ')})`);
    const name = r.names[0] === undefined ? undefined : b.name(r.resource, r.names[0]);
    if (name !== undefined && selector.length > 0) b.problems.push('-l selects among all resources: not with a NAME');
    if (r.resource === 'instances' && selector.length > 0) b.problems.push('-l is not supported for instances (they have no labels): name the chain instead');
    return { kind: 'get', resource: r.resource, ...(name !== undefined ? { name } : {}), output, selector };
  },
  describe: (b) => {
    const r = b.resource(['chains']);
    if (!r) return undefined;
    if (r.names.length !== 1) {
      b.problems.push(r.names.length === 0 ? 'missing the chain NAME' : `one NAME only (got ${r.names.join(' ')})`);
      return undefined;
    }
    return { kind: 'describe', resource: 'chains', name: b.name('chains', r.names[0]!) };
  },
  delete: (b) => {
    const r = b.resource(['chains']);
    if (!r) return undefined;
    if (r.names.length === 0) b.problems.push('missing the chain NAME');
    const names = r.names.map((n) => b.name('chains', n));
    const etag = b.one('if-etag');
    if (etag !== undefined && names.length > 1) b.problems.push('--if-etag is the version of one chain: name one chain');
    return { kind: 'delete', resource: 'chains', names, ...(etag !== undefined ? { etag } : {}), ignoreNotFound: b.on('ignore-not-found'), dryRun: b.on('dry-run') };
  },
  watch: (b) => {
    const r = b.resource(['chains'], 'chains');
    const selector = b.selector();
    const output = b.choice('output', ['table', 'json'] as const, 'table');
    if (!r) return undefined;
    if (r.names.length > 0) b.problems.push(`watch follows every chain (use -l to narrow), not NAME: ${r.names.join(' ')}`);
    return { kind: 'watch', resource: 'chains', selector, output };
  },
};

const isCommand = (w: string): w is CommandName => COMMANDS.some((c) => c.name === w);

function globalOptions(b: Builder, env: Readonly<Record<string, string | undefined>>): GlobalOptions {
  const fromFlag = b.one('controller');
  const controller = fromFlag ?? (env[CONTROLLER_ENV] || DEFAULT_CONTROLLER);
  const bad = checkAddress(controller);
  if (bad) b.problems.push(fromFlag !== undefined ? `--controller: ${bad}` : `${CONTROLLER_ENV}: ${bad}`);
  return { controller, timeoutMs: b.duration('timeout', DEFAULT_TIMEOUT_MS) };
}

const HELP_DEFAULTS: GlobalOptions = { controller: DEFAULT_CONTROLLER, timeoutMs: DEFAULT_TIMEOUT_MS };

/** Parses a command line; throws UsageError with every problem found. */
export function parseCommandLine(argv: readonly string[], env: Readonly<Record<string, string | undefined>> = {}): Invocation {
  const at = commandIndex(argv);
  const word = at === -1 ? undefined : argv[at]!;
  const beforeProblems: string[] = [];
  const before = scanArgs(at === -1 ? argv : argv.slice(0, at), GLOBAL_FLAGS, beforeProblems);
  // Before the command only global flags are known: say where a command's flag belongs.
  const misplaced = beforeProblems.map((p) => (p.startsWith('unknown flag') ? `${p} (a command's flags come after the command)` : p));
  if (word === 'help' || (word === undefined && before.help)) {
    const topic = word === 'help' ? argv[at + 1] : undefined;
    if (topic !== undefined && !isCommand(topic)) throw new UsageError([`unknown command '${topic}'`]);
    return { global: HELP_DEFAULTS, command: { kind: 'help', ...(topic ? { topic } : {}) } };
  }
  if (word === undefined) throw new UsageError(['missing command', ...misplaced]);
  if (!isCommand(word)) {
    const guess = closest(word, COMMANDS.map((c) => c.name));
    // `sfcctl -o yaml get ...` takes `yaml` for the command: the misplaced flag explains it.
    throw new UsageError([...misplaced, `unknown command '${word}'${guess ? `; did you mean '${guess}'?` : ''}`]);
  }
  const afterProblems: string[] = [];
  const after = scanArgs(argv.slice(at + 1), [...GLOBAL_FLAGS, ...commandSpec(word).flags], afterProblems);
  if (before.help || after.help) return { global: HELP_DEFAULTS, command: { kind: 'help', topic: word } };
  const b = new Builder({ ...after, values: new Map([...before.values, ...after.values]), switches: new Set([...before.switches, ...after.switches]) });
  const global = globalOptions(b, env);
  const command = BUILDERS[word as Exclude<CommandName, 'help'>](b);
  const problems = [...misplaced, ...afterProblems, ...b.problems];
  if (problems.length > 0 || !command) throw new UsageError(problems.length > 0 ? problems : ['invalid command line'], word);
  return { global, command };
}
