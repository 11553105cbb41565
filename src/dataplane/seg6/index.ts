/** Pure SRv6 rtnetlink codec: no I/O. See each module for the wire layouts it owns. */
export * from './attrs.js';
export * as uapi from './constants.js';
export * from './encap.js';
export * from './message.js';
export * from './nexthop.js';
export * from './route.js';
export * from './rule.js';
export * from './seg6-encap.js';
export * from './seg6local.js';
export * from './srh.js';
