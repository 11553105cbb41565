/**
 * Resources as plain objects for `-o json` (and `-o yaml` of nodes and instances), shaped like
 * Kubernetes objects so they read familiarly: a chain is its document (apiVersion, kind,
 * metadata, spec — the same spellings as the YAML files, from src/chains) plus the server's
 * metadata and its status. Pure; bigints stay bigints (json.ts prints them exactly).
 */
import { chainDocument } from '../../chains/to-yaml.js';
import { isReconciling } from '../../controller/grpc/codecs/chain-codec.js';
import type { ChainInstance } from '../../controller/grpc/codecs/instance-codec.js';
import { featuresToProto } from '../../controller/grpc/codecs/node-features.js';
import type { Chain } from '../../model/chain.js';
import type { NodeRecord } from '../../model/node.js';

export function chainObject(c: Chain): Record<string, unknown> {
  const doc = chainDocument(c);
  return {
    ...doc,
    metadata: {
      ...(doc.metadata as Record<string, unknown>),
      generation: c.generation,
      etag: c.etag,
      createTime: c.createTime,
      updateTime: c.updateTime,
    },
    status: {
      observedGeneration: c.status.observedGeneration,
      reconciling: isReconciling(c),
      conditions: c.status.conditions,
      segments: c.status.segments,
      instances: c.status.instances,
    },
  };
}

export function nodeObject(n: NodeRecord): Record<string, unknown> {
  return {
    kind: 'Node',
    name: n.name,
    state: n.state,
    address: n.address,
    locator: n.locator,
    labels: n.labels,
    interfaces: n.interfaces,
    coreInterface: n.coreInterface,
    capacity: n.capacity,
    runtimes: n.runtimes,
    // The API's flat feature names (`seg6local.End.DT46`), the ones docs and placement use.
    features: Object.fromEntries(featuresToProto(n.features).map((f) => [f.name, f.supported ? { supported: true } : { supported: false, reason: f.reason }])),
    lastHeartbeat: n.lastHeartbeat,
  };
}

export function instanceObject(i: ChainInstance): Record<string, unknown> {
  return {
    kind: 'Instance',
    name: `${i.chain}/${i.function}`,
    chain: i.chain,
    function: i.function,
    node: i.node,
    id: i.id,
    state: i.state,
    reason: i.reason,
    sids: i.sids,
    counters: i.counters,
  };
}

/** `-o json` of a list: a List object, as kubectl prints it. */
export const listObject = (items: readonly unknown[]): Record<string, unknown> => ({ kind: 'List', items });
