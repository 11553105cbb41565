/**
 * `sfclab graph`: the lab topology and each service chain's path, as a picture (pure, no I/O).
 *
 * Drawn: one box per node, coloured by role (edge, vnf-host, transit, endpoint, bridge) with its
 * name, role and locator (site subnets for endpoints); each link as a straight line with its
 * interface names near both ends; each chain as a coloured lane along the links it crosses
 * (ingress → each function's node → egress, legs expanded with shortestPath), offset to the right
 * of travel by the chain's index, with arrowheads and numbered function badges; NotReady chains
 * dashed grey. A legend lists every chain: status (and reason), function order, segment list.
 * Layout: layered left to right — sites behind ingress edges, ingress edges, the core ordered by
 * hop distance from the ingress and egress edges, egress edges, their sites — with waypoints for
 * links that span columns, barycentre ordering within columns, rows aligned with neighbours.
 * Deterministic (no randomness, no clock): same input, same bytes.
 */
import type { Topology } from '../types.js';
import { renderDot } from './dot.js';
import { renderHtmlPage } from './html.js';
import { renderSvgElement } from './svg.js';
import type { ChainView, GraphOptions } from './view.js';

export type { ChainView, GraphOptions } from './view.js';

/** A bare SVG document (embedded CSS; hover highlighting needs no script). */
export function renderTopologySvg(t: Topology, chains: readonly ChainView[], opts?: GraphOptions): string {
  return `${renderSvgElement(t, chains, opts)}\n`;
}

/** A self-contained HTML page around the same SVG: inline CSS, no external assets, no script. */
export function renderTopologyHtml(t: Topology, chains: readonly ChainView[], opts?: GraphOptions): string {
  return renderHtmlPage(t, chains, opts);
}

/** Graphviz DOT source, for people who have graphviz (`opts`: graph label, locators and site subnets). */
export function renderTopologyDot(t: Topology, chains: readonly ChainView[], opts?: GraphOptions): string {
  return renderDot(t, chains, opts);
}
