/**
 * The agent's NodeInfo as the controller's northbound resource (srv6sfc.v1.Node), for
 * RegisterNode. Features flatten to a list of named features, which reads well in
 * `sfcctl get nodes` and is what placement asks ("does this node have `vrf`?").
 */
import type { FeatureReport } from '../../dataplane/netlink/probe.js';
import type { Node } from '../../gen/srv6sfc/v1/Node.js';
import type { NodeFeature } from '../../gen/srv6sfc/v1/NodeFeature.js';
import { PLAIN_FEATURE_NAME, seg6localFeatureName } from '../../model/feature-names.js';
import type { NodeInfo } from '../agent-core.js';

const FEATURE_NAME = PLAIN_FEATURE_NAME;
const seg6localName = seg6localFeatureName;

export function featureList(report: FeatureReport): NodeFeature[] {
  const entries: [string, FeatureReport['seg6']][] = [
    ...(Object.keys(FEATURE_NAME) as (keyof typeof FEATURE_NAME)[]).map((k): [string, FeatureReport['seg6']] => [FEATURE_NAME[k], report[k]]),
    ...Object.entries(report.seg6local).map(([action, s]): [string, FeatureReport['seg6']] => [seg6localName(action), s]),
  ];
  return entries.map(([name, s]) => ({ name, supported: s.ok, reason: s.ok ? '' : s.reason }));
}

/** The RegisterNode body: `nodes/{name}` plus what the controller plans with. */
export function nodeResource(info: NodeInfo): Node {
  return {
    name: `nodes/${info.name}`,
    address: info.address,
    locator: info.locator,
    features: featureList(info.features),
    runtimes: [...info.runtimes],
    labels: { ...(info.labels ?? {}) },
    interfaces: info.interfaces.map((l) => l.name),
    ...(info.coreInterface ? { coreInterface: info.coreInterface } : {}),
    ...(info.capacity !== undefined ? { capacity: info.capacity } : {}),
  };
}
