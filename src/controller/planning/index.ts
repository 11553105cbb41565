/** Planning (pure): chains + nodes + previous allocations and intents → placements, SIDs, intents. */
export { plan } from './plan.js';
export type { Allocations, InstanceAllocation, NodeAllocations } from './allocations.js';
export { EMPTY_ALLOCATIONS } from './allocations.js';
export type { ChainOutcome, ChainPlan, NatReturn, PlanChainInput, PlanInput, PlanOutput, PlannedInstance, ReturnPath } from './types.js';
export { statusFacts } from './types.js';
export { PLAN_FAILURE_REASONS, failureError, type PlanFailure, type PlanFailureReason } from './failures.js';
export { type Adjacency, type PathMetric, type Topology, metricFromAdjacency } from './topology.js';
export { sidLayout, sidOf, fidOf, type SidLayout } from './sid-layout.js';
export { proxyLists, travelPath, type FamilySids, type ProxyLists } from './segments.js';
export { chooseProxyModes, MAX_DYNAMIC_RUN, type ProxyMode, type RequestedProxy } from './proxy-modes.js';
