/**
 * What sfcctl accepts, as data: the global flags and every command's usage, flags and help
 * text. The parser and `--help` both read this table, so help can never describe a flag the
 * parser does not know (or miss one it does).
 */
import type { FlagSpec } from './scan.js';

export const GLOBAL_FLAGS: readonly FlagSpec[] = [
  { name: 'controller', value: 'ADDR', help: 'controller address, HOST:PORT or unix:PATH (default: $SFC_CONTROLLER, else 127.0.0.1:50051)' },
  { name: 'timeout', value: 'DURATION', help: 'deadline of each call to the controller (default 30s)' },
];

const FILENAME: FlagSpec = { name: 'filename', short: 'f', value: 'FILE|DIR', repeatable: true, help: 'chain file, directory of *.yaml/*.yml, or - for stdin (repeatable)' };
const RECURSIVE: FlagSpec = { name: 'recursive', short: 'R', help: 'descend into subdirectories of the directories given' };
const SELECTOR: FlagSpec = { name: 'selector', short: 'l', value: 'SELECTOR', help: 'label selector: key=value, key!=value, key, !key, joined by commas' };

export type CommandName = 'apply' | 'diff' | 'get' | 'describe' | 'delete' | 'watch' | 'version' | 'help';

export interface CommandSpec {
  readonly name: CommandName;
  /** After `sfcctl `. */
  readonly usage: string;
  readonly summary: string;
  /** Paragraphs after the usage line. */
  readonly description: string;
  readonly flags: readonly FlagSpec[];
  readonly examples: readonly string[];
}

export const COMMANDS: readonly CommandSpec[] = [
  {
    name: 'apply',
    usage: 'apply -f FILE|DIR [-f ...] [-R] [--dry-run] [--wait [--wait-timeout DURATION]]',
    summary: 'create or update chains from YAML documents',
    description: `Reads every document first: if any is invalid, every error is printed with its file, document,
line and field path, nothing is applied, and the exit code is 2. Then each chain is applied
(ApplyChain: created, or labels and spec replaced) and one line per chain says what happened:
chain/NAME created | configured | unchanged. The controller reconciles after answering; --wait
follows the chains until they are Ready (progress on stderr).`,
    flags: [
      FILENAME,
      RECURSIVE,
      { name: 'dry-run', help: 'ask the controller to check and plan only (validate_only): nothing changes' },
      { name: 'wait', help: 'after applying, wait until every chain applied is Ready (exit 4 on timeout)' },
      { name: 'wait-timeout', value: 'DURATION', help: 'how long --wait waits (default 2m)' },
    ],
    examples: ['sfcctl apply -f chains/web.yaml', 'sfcctl apply -f chains/ -R --wait', 'sfcctl get chains -o yaml | sfcctl apply -f -'],
  },
  {
    name: 'diff',
    usage: 'diff -f FILE|DIR [-f ...] [-R]',
    summary: 'show what applying would do: placement, SIDs, kernel operations per node',
    description: `A dry run of apply (ApplyChain with validate_only): for each chain, whether it would be created,
configured or left unchanged, the segment lists the ingress would push, and per node the
instances and SIDs it would create (+), keep ( ) or delete (-), with the kernel and runtime
operations that node's agent would perform (from the agent's own dry run). Changes nothing.`,
    flags: [FILENAME, RECURSIVE],
    examples: ['sfcctl diff -f chains/web.yaml'],
  },
  {
    name: 'get',
    usage: 'get chains|nodes|instances [NAME] [-o table|yaml|json|name] [-l SELECTOR]',
    summary: 'list chains, nodes or instances',
    description: `Without NAME, lists every resource of the type (all pages); with NAME, that one (exit 3 if it
does not exist). Instances: NAME is a chain (its instances) or CHAIN/FUNCTION (one instance).
-o yaml prints chains as chain documents, ready to edit and apply again; -o json prints the
whole resource, status included, with sorted keys; -o name prints TYPE/NAME lines.`,
    flags: [{ name: 'output', short: 'o', value: 'FORMAT', help: 'table (default), yaml, json or name' }, SELECTOR],
    examples: ['sfcctl get chains', 'sfcctl get chains -l app=web -o yaml', 'sfcctl get nodes', 'sfcctl get instances web'],
  },
  {
    name: 'describe',
    usage: 'describe chain NAME',
    summary: 'show a chain in detail: path, SIDs, instances, counters, conditions',
    description: `Prints the chain's classifier, its path node by node with the SID of each hop per address family,
the segment lists, its instances (node, id, state, proxy, SIDs, packets), its conditions with reasons
and ages, and their transitions in time order (the API keeps no separate event history).`,
    flags: [],
    examples: ['sfcctl describe chain web'],
  },
  {
    name: 'delete',
    usage: 'delete chain NAME... [--if-etag ETAG] [--ignore-not-found] [--dry-run]',
    summary: 'delete chains',
    description: `Deletes each chain named; the controller tears down its instances, SIDs and ingress state in the
background. With --if-etag, only if the chain is still at that version (exit 5 otherwise).`,
    flags: [
      { name: 'if-etag', value: 'ETAG', help: "delete only if the chain's etag is still ETAG (one chain only)" },
      { name: 'ignore-not-found', help: 'a chain that does not exist is not an error' },
      { name: 'dry-run', help: 'ask the controller to check only (validate_only): nothing changes' },
    ],
    examples: ['sfcctl delete chain web', "sfcctl delete chain web --if-etag '\"3-9f2c\"'"],
  },
  {
    name: 'watch',
    usage: 'watch [chains] [-l SELECTOR] [-o table|json]',
    summary: 'stream chain changes, one line per event, until interrupted',
    description: `Opens WatchChains: first one ADDED line per existing chain, then one line per change (ADDED,
MODIFIED, DELETED) as it happens. Stops on Ctrl-C (exit 0) or when the controller ends the
stream. -o json prints one JSON object per line: {"type": ..., "chain": {...}}.`,
    flags: [SELECTOR, { name: 'output', short: 'o', value: 'FORMAT', help: 'table (default: one line per event) or json (one object per line)' }],
    examples: ['sfcctl watch', 'sfcctl watch chains -l app=web -o json'],
  },
  { name: 'version', usage: 'version', summary: "print sfcctl's version and the API it speaks", description: '', flags: [], examples: [] },
  { name: 'help', usage: 'help [COMMAND]', summary: 'help for sfcctl or one command', description: '', flags: [], examples: [] },
];

export const commandSpec = (name: CommandName): CommandSpec => COMMANDS.find((c) => c.name === name)!;
