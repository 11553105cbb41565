/** containerlab topology files: parse, validate, resolve inheritance, derive the underlay, graph paths. */
export { parseTopology, LAB_NAME } from './parse-topology.js';
export { formatTopologyIssue, loadTopologyFile } from './load-topology.js';
export { resolveNodeDefinition } from './inherit.js';
export { ADDRESS_ASSIGNMENT, ROLE_SYSCTLS, SITE_DECAP_SUFFIX, SITE_ROUTE_METRIC, deriveUnderlay, siteDecapSid } from './underlay.js';
export { type Hop, shortestHops, shortestPath, topologyAdjacency } from './paths.js';
export { NODE_KINDS, NODE_ROLES } from './read-nodes.js';
export * from './types.js';
