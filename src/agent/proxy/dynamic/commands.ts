/**
 * The dynamic SR proxy's kernel objects outside the BPF maps, as command lines (pure): the tc
 * filters (SRv6-facing interfaces; return legs with the `tc` hook), the `lwt` hook's per-leg
 * policy rule, `encap bpf` routes and shared mark rule, and the offload settings it needs.
 *
 * Why child processes: an `encap bpf` route needs a program fd (BPF_OBJ_GET on the pin), which Node
 * cannot get without a native addon; iproute2 and bpftool do it. Everything here is tagged: route
 * protocol 200 on routes and rules (as everything the agent owns), tc preference and handle 0x53fc.
 */
import type { Family } from '../../../common/ip.js';
import { PROXY_MARK, PROXY_MARK_MASK } from './layout.js';

/** The route/rule protocol of everything the agent installs (docs/dataplane.md, ownership). */
export const ROUTE_PROTOCOL = 200;

/** tc filter preference and handle: `tc filter replace` with both replaces in place, never adds a second. */
export const TC_PREF = 0x53fc;
export const TC_HANDLE = 0x53fc;

/**
 * The return leg's table for the instance in `slot`, after the static proxy's 8,192 proxy and
 * 8,192 reverse tables (0x53c00000 + 2·8192): a slot can change proxy mode without a collision.
 */
export const DYNAMIC_TABLE_BASE = 0x53c04000;
export const dynamicProxyTable = (slot: number): number => DYNAMIC_TABLE_BASE + slot;
export const isDynamicProxyTable = (table: number): boolean => table >= DYNAMIC_TABLE_BASE && table < DYNAMIC_TABLE_BASE + 8192;

/** `iif <return leg> lookup <table>` (hook `lwt`): beside the static proxy's 4100, so both modes coexist on a node. */
export const DYNAMIC_IIF_RULE_PRIORITY = 4150;
/** `fwmark 0x53fc0000/0xffff0000 lookup main` (IPv6, hook `lwt`): ahead of every iif rule and the static proxy's 3990. */
export const MARK_RULE_PRIORITY = 3980;

export const markSelector = `0x${PROXY_MARK.toString(16)}/0x${PROXY_MARK_MASK.toString(16)}`;

type Argv = string[];

/** Attaches (or re-attaches: same pref and handle) the inbound program to dev's ingress. */
export const tcFilterReplace = (dev: string, programPin: string): Argv => [
  'tc',
  'filter',
  'replace',
  'dev',
  dev,
  'ingress',
  'pref',
  String(TC_PREF),
  'handle',
  `0x${TC_HANDLE.toString(16)}`,
  'bpf',
  'direct-action',
  'pinned',
  programPin,
];

export const tcFilterDelete = (dev: string): Argv => ['tc', 'filter', 'del', 'dev', dev, 'ingress', 'pref', String(TC_PREF), 'handle', `0x${TC_HANDLE.toString(16)}`, 'bpf'];

/** One `default encap bpf in pinned ...` route per family in the leg's table. */
export const legRouteAdd = (family: Family, table: number, dev: string, programPin: string): Argv => [
  'ip',
  `-${family}`,
  'route',
  'add',
  'default',
  'encap',
  'bpf',
  'in',
  'pinned',
  programPin,
  'dev',
  dev,
  'table',
  String(table),
  'proto',
  String(ROUTE_PROTOCOL),
];

export const legRouteDelete = (family: Family, table: number): Argv => ['ip', `-${family}`, 'route', 'del', 'default', 'table', String(table), 'proto', String(ROUTE_PROTOCOL)];

export const legRule = (verb: 'add' | 'del', family: Family, iif: string, table: number): Argv => [
  'ip',
  `-${family}`,
  'rule',
  verb,
  'priority',
  String(DYNAMIC_IIF_RULE_PRIORITY),
  'iif',
  iif,
  'lookup',
  String(table),
  'protocol',
  String(ROUTE_PROTOCOL),
];

/**
 * What the return program pushed is looked up again with the leg as iif; this rule routes it by
 * its new destination (main) instead of the leg's table, whose IPv6 default would catch it again.
 */
export const markRule = (verb: 'add' | 'del'): Argv => ['ip', '-6', 'rule', verb, 'priority', String(MARK_RULE_PRIORITY), 'fwmark', markSelector, 'lookup', 'main', 'protocol', String(ROUTE_PROTOCOL)];

/**
 * With the `lwt` return hook, a function's transmit leg (inside the instance: the device it sends
 * back to the node on) must not hand GSO packets to the return program: the kernel cannot push an
 * SRH onto them (bpf_lwt_push_encap answers EPROTONOSUPPORT; measured: TCP stalls, ~50 kB in 2 s).
 * Segmenting before the veth is most of that hook's cost; the `tc` hook needs none of this
 * (docs/dynamic-proxy.md).
 */
export const transmitLegOffloadsOff = (dev: string): Argv => ['ethtool', '-K', dev, 'tso', 'off', 'gso', 'off'];
