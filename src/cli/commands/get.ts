/** `sfcctl get chains|nodes|instances [NAME]`: fetch, then print in the format asked. */
import { stringify } from 'yaml';
import { toYamlDocuments } from '../../chains/to-yaml.js';
import type { ChainInstance } from '../../controller/grpc/codecs/instance-codec.js';
import type { Chain } from '../../model/chain.js';
import type { NodeRecord } from '../../model/node.js';
import type { Command, GetOutput } from '../args/command-line.js';
import { ExitCode } from '../exit-codes.js';
import { stableJson, toJsonValue } from '../format/json.js';
import { chainObject, instanceObject, listObject, nodeObject } from '../format/objects.js';
import { chainNames, chainsTable, instanceNames, instancesTable, nodeNames, nodesTable } from '../format/resource-tables.js';
import { type CommandEnv, failure } from './command-env.js';

type Get = Extract<Command, { kind: 'get' }>;

interface Printers<T> {
  readonly table: (items: readonly T[]) => string[];
  readonly names: (items: readonly T[]) => string[];
  readonly object: (item: T) => Record<string, unknown>;
  /** Chains print as chain documents (re-appliable); others as their objects. */
  readonly yaml?: (items: readonly T[]) => string;
}

const yamlOf = (objects: readonly unknown[]): string => objects.map((o) => stringify(toJsonValue(o))).join('---\n');

/** Renders what `get` fetched; `single` = a NAME was given (json: the object, not a List). */
export function render<T>(items: readonly T[], output: GetOutput, single: boolean, p: Printers<T>): string {
  switch (output) {
    case 'table':
      return items.length > 0 ? `${p.table(items).join('\n')}\n` : '';
    case 'name':
      return p.names(items).map((n) => `${n}\n`).join('');
    case 'json':
      return stableJson(single && items[0] !== undefined ? p.object(items[0]) : listObject(items.map(p.object)));
    case 'yaml':
      return p.yaml ? p.yaml(items) : yamlOf(items.map(p.object));
  }
}

async function fetch(env: CommandEnv, cmd: Get): Promise<{ kind: string; text: string; count: number }> {
  const c = env.client();
  const now = env.ctx.now();
  const single = cmd.name !== undefined;
  switch (cmd.resource) {
    case 'chains': {
      const items: Chain[] = cmd.name !== undefined ? [await c.getChain(cmd.name)] : await c.listChains(cmd.selector);
      const text = render(items, cmd.output, single, { table: (x) => chainsTable(x, now), names: chainNames, object: chainObject, yaml: toYamlDocuments });
      return { kind: 'chains', text, count: items.length };
    }
    case 'nodes': {
      const items: NodeRecord[] = cmd.name !== undefined ? [await c.getNode(cmd.name)] : await c.listNodes(cmd.selector);
      return { kind: 'nodes', text: render(items, cmd.output, single, { table: (x) => nodesTable(x, now), names: nodeNames, object: nodeObject }), count: items.length };
    }
    case 'instances': {
      const [chain, fn] = cmd.name?.split('/') ?? [];
      const items: ChainInstance[] = fn !== undefined ? [await c.getInstance(chain!, fn)] : await c.listInstances(chain);
      return { kind: 'instances', text: render(items, cmd.output, fn !== undefined, { table: instancesTable, names: instanceNames, object: instanceObject }), count: items.length };
    }
  }
}

/** How apply, describe and `-o name` call one resource: `chain/web`, `instance/web/fw`. */
const SINGULAR = { chains: 'chain', nodes: 'node', instances: 'instance' } as const;

export async function get(env: CommandEnv, cmd: Get): Promise<ExitCode> {
  let r;
  try {
    r = await fetch(env, cmd);
  } catch (err) {
    throw failure(env, err, cmd.name !== undefined ? `${SINGULAR[cmd.resource]}/${cmd.name}` : undefined);
  }
  env.ctx.out.write(r.text);
  // As kubectl: an empty list is not an error, but a table says so (on stderr: stdout stays empty).
  if (r.count === 0 && cmd.output === 'table') env.ctx.err.write(`No ${r.kind} found.\n`);
  return ExitCode.OK;
}
