/**
 * The drawing itself, as one self-contained <svg> element: header (title, counts, role key), links
 * with interface names at both ends, one coloured lane per chain with direction arrows, node boxes,
 * numbered function badges, and the chain legend. Text widths are estimated from character counts
 * (no font metrics without a browser), generously, so labels do not collide.
 */
import type { Topology } from '../types.js';
import { LANES, chainRoute, laneOffset, type ChainRoute } from './chain-routes.js';
import { escapeXml as x } from './escape.js';
import { type Point, boxExit, direction, distance, num, pointsAttr, rightNormal } from './geometry.js';
import { type Layout, layoutTopology } from './layout.js';
import { type NodeContent, nodeContent } from './node-content.js';
import { fit, wrap } from './text.js';
import { CATEGORY_COLOURS, CATEGORY_ORDER, LINK_COLOUR, NOT_READY_COLOUR, chainColour, nodeCategory } from './style.js';
import type { ChainView, GraphOptions } from './view.js';

const MARGIN = 24;
const TOP = 104;
/** Estimated advance per character, by text style. */
const CHAR = { name: 7.9, caption: 6.2, mono: 6.5, ifname: 5.9, legend: 6.6, legendMono: 7.0 } as const;
const SANS = `system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif`;
const MONO = `ui-monospace, SFMono-Regular, Menlo, Consolas, 'Liberation Mono', monospace`;
const BADGE_R = 9;
const MIN_WIDTH = 680;

const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));

function styleSheet(chainCount: number): string {
  const rules = [
    `.sfc-graph{font-family:${SANS};font-size:12px}`,
    `.sfc-graph .mono{font-family:${MONO}}`,
    `.sfc-graph .title{font-size:18px;font-weight:700;fill:#0f172a}`,
    `.sfc-graph .subtitle{font-size:12px;fill:#475569}`,
    `.sfc-graph .key{font-size:11px;fill:#334155}`,
    `.sfc-graph .link polyline{fill:none;stroke:${LINK_COLOUR};stroke-width:2;stroke-linejoin:round}`,
    `.sfc-graph .link:hover polyline{stroke:#334155}`,
    `.sfc-graph .ifname{font-family:${MONO};font-size:9.5px;fill:#475569;paint-order:stroke;stroke:#fff;stroke-width:3px;stroke-linejoin:round}`,
    `.sfc-graph .lane{fill:none;stroke-width:3;stroke-linejoin:round;stroke-linecap:round;opacity:.9}`,
    `.sfc-graph .not-ready .lane{stroke-dasharray:7 5}`,
    `.sfc-graph .chain:hover .lane{stroke-width:5;opacity:1}`,
    `.sfc-graph .node rect{stroke-width:1.6}`,
    `.sfc-graph .node .name{font-size:13px;font-weight:600}`,
    `.sfc-graph .node .caption{font-size:11px}`,
    `.sfc-graph .node .detail{font-family:${MONO};font-size:10.5px}`,
    `.sfc-graph .badge text{font-size:10px;font-weight:700;fill:#fff}`,
    `.sfc-graph .legend .heading{font-size:13px;font-weight:700;fill:#0f172a}`,
    `.sfc-graph .legend .chain-name{font-size:12.5px;font-weight:700;fill:#0f172a}`,
    `.sfc-graph .legend .ready{fill:#15803d;font-weight:600}`,
    `.sfc-graph .legend .not-ready-text{fill:#b91c1c;font-weight:600}`,
    `.sfc-graph .legend .line{fill:#334155}`,
    `.sfc-graph .legend .mono{font-size:11.5px;fill:#1e293b}`,
    `.sfc-graph .legend .problem{fill:#b91c1c;font-style:italic}`,
  ];
  // Hovering a chain, its badges or its legend entry fades the other chains (CSS only, no script).
  if (chainCount > 1) {
    for (let i = 0; i < chainCount; i++) {
      rules.push(`.sfc-graph:has(.c${i}:hover) :is(.chain,.badge,.entry):not(.c${i}){opacity:.15}`);
    }
  }
  return rules.join('\n');
}

interface Sized {
  readonly contents: ReadonlyMap<string, NodeContent>;
  readonly layout: Layout;
  readonly routes: readonly ChainRoute[];
}

function measure(t: Topology, chains: readonly ChainView[], opts: GraphOptions): Sized {
  const contents = new Map(t.nodes.map((n) => [n.name, nodeContent(n, opts.underlay)]));
  let textWidth = 0;
  let details = 0;
  for (const c of contents.values()) {
    textWidth = Math.max(textWidth, c.name.length * CHAR.name, c.caption.length * CHAR.caption, ...c.details.map((d) => d.length * CHAR.mono));
    details = Math.max(details, c.details.length);
  }
  const boxWidth = Math.round(clamp(textWidth + 24, 120, 240));
  const boxHeight = 44 + 14 * details;
  const longestIf = Math.max(0, ...t.links.flatMap((l) => [l.a.interface.length, l.b.interface.length]));
  const columnGap = boxWidth + Math.max(120, Math.round(2 * longestIf * CHAR.ifname + 60));
  // A link passing a box in the same column clears its badges and every chain's lane.
  const lanes = chains.length > 0 ? laneOffset(Math.min(chains.length, LANES) - 1) : 0;
  const waypointClearance = boxHeight / 2 + 2 * BADGE_R + lanes + 8;
  const sizes = { boxWidth, boxHeight, columnGap, rowGap: boxHeight + 48, waypointClearance, left: MARGIN, top: TOP };
  const layout = layoutTopology(t, chains, sizes);
  const routes = chains.map((c, i) => chainRoute(t, layout, c, i));
  return { contents, layout, routes };
}

interface Rect {
  readonly x0: number;
  readonly y0: number;
  readonly x1: number;
  readonly y1: number;
}

const overlapArea = (a: Rect, b: Rect): number => Math.max(0, Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0)) * Math.max(0, Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0));

/**
 * A label near one end of a link: beside the line, clear of the box, on the upper (or right) side;
 * moved to the other side or further along the line while it would cover a label already placed
 * (`taken`: the first `boxes` entries are node boxes, then labels; it grows).
 */
function interfaceLabel(from: Point, toward: Point, text: string, hw: number, hh: number, cls: string, taken: Rect[], boxes: number): string {
  const d = direction(from, toward);
  const w = text.length * CHAR.ifname;
  const exit = boxExit(d, hw, hh);
  let n = rightNormal(d);
  if (n.y > 1e-6 || (Math.abs(n.y) <= 1e-6 && n.x < 0)) n = { x: -n.x, y: -n.y };
  const side = (w / 2) * Math.abs(d.y) + 5 * Math.abs(d.x) + 3;
  const room = Math.max(0, distance(from, toward) / 2 - exit - w / 2);
  const at = (extra: number, flip: number): { cx: number; cy: number; r: Rect } => {
    const along = exit + (w / 2) * Math.abs(d.x) + 5 * Math.abs(d.y) + 5 + extra;
    const cx = from.x + d.x * along + n.x * side * flip;
    const cy = from.y + d.y * along + n.y * side * flip;
    return { cx, cy, r: { x0: cx - w / 2 - 1, y0: cy - 6, x1: cx + w / 2 + 1, y1: cy + 6 } };
  };
  // The first spot that covers nothing; failing that, the one covering the least (boxes count 10×).
  let spot = at(0, 1);
  let least = Infinity;
  search: for (let extra = 0; extra <= Math.min(room, 140); extra += 5) {
    for (const flip of [1, -1]) {
      const candidate = at(extra, flip);
      const covered = taken.reduce((sum, r, i) => sum + overlapArea(r, candidate.r) * (i < boxes ? 10 : 1), 0);
      if (covered < least) {
        least = covered;
        spot = candidate;
      }
      if (covered === 0) break search;
    }
  }
  taken.push(spot.r);
  return `<text class="ifname" ${cls} x="${num(spot.cx)}" y="${num(spot.cy + 3.5)}" text-anchor="middle">${x(text)}</text>`;
}

function renderLinks(t: Topology, s: Sized): { lines: string[]; labels: string[] } {
  const hw = s.layout.sizes.boxWidth / 2;
  const hh = s.layout.sizes.boxHeight / 2;
  const lines: string[] = [];
  const labels: string[] = [];
  // Node boxes first, then every label placed so far.
  const taken: Rect[] = [...s.layout.centres.values()].map((c) => ({ x0: c.x - hw, y0: c.y - hh, x1: c.x + hw, y1: c.y + hh }));
  const boxCount = taken.length;
  for (const r of s.layout.routes) {
    const l = r.link;
    const pts = r.points;
    if (pts.length < 2) continue;
    const mtu = l.mtu !== undefined ? ` (mtu ${l.mtu})` : '';
    lines.push(
      `<g class="link" data-link="${l.index}"><title>${x(`${l.a.node}:${l.a.interface} — ${l.b.node}:${l.b.interface}${mtu}`)}</title>` +
        `<polyline points="${pointsAttr(pts)}"/></g>`,
    );
    const attrs = (end: 'a' | 'b'): string => `data-link="${l.index}" data-end="${end}"`;
    if (l.a.node === l.b.node) {
      // Self-loop: the route starts and ends on the box's top border.
      const [p0, p3] = [pts[0]!, pts[pts.length - 1]!];
      labels.push(`<text class="ifname" ${attrs('a')} x="${num(p0.x - 4)}" y="${num(p0.y - 4)}" text-anchor="end">${x(l.a.interface)}</text>`);
      labels.push(`<text class="ifname" ${attrs('b')} x="${num(p3.x + 4)}" y="${num(p3.y - 4)}" text-anchor="start">${x(l.b.interface)}</text>`);
      continue;
    }
    labels.push(interfaceLabel(pts[0]!, pts[1]!, l.a.interface, hw, hh, attrs('a'), taken, boxCount));
    labels.push(interfaceLabel(pts[pts.length - 1]!, pts[pts.length - 2]!, l.b.interface, hw, hh, attrs('b'), taken, boxCount));
  }
  return { lines, labels };
}

function insideAnyBox(p: Point, s: Sized): boolean {
  const hw = s.layout.sizes.boxWidth / 2 + 2;
  const hh = s.layout.sizes.boxHeight / 2 + 2;
  for (const c of s.layout.centres.values()) if (Math.abs(p.x - c.x) <= hw && Math.abs(p.y - c.y) <= hh) return true;
  return false;
}

/** Triangles at the middle of every visible lane segment, pointing the way traffic goes. */
function arrowheads(lane: readonly Point[], s: Sized): string {
  const parts: string[] = [];
  for (let i = 0; i + 1 < lane.length; i++) {
    const p = lane[i]!;
    const q = lane[i + 1]!;
    if (distance(p, q) < 36) continue;
    const m = { x: (p.x + q.x) / 2, y: (p.y + q.y) / 2 };
    if (insideAnyBox(m, s)) continue;
    const d = direction(p, q);
    const n = rightNormal(d);
    const tip = { x: m.x + d.x * 6, y: m.y + d.y * 6 };
    const l = { x: m.x - d.x * 5 + n.x * 5, y: m.y - d.y * 5 + n.y * 5 };
    const r = { x: m.x - d.x * 5 - n.x * 5, y: m.y - d.y * 5 - n.y * 5 };
    parts.push(`M${num(tip.x)},${num(tip.y)}L${num(l.x)},${num(l.y)}L${num(r.x)},${num(r.y)}Z`);
  }
  return parts.join('');
}

function functionList(c: ChainView): string {
  if (c.functions.length === 0) return 'no functions';
  return c.functions.map((f, i) => `${i + 1} ${f.name}${f.type !== f.name ? ` (${f.type})` : ''} on ${f.node}`).join(' → ');
}

function statusText(c: ChainView): string {
  return c.ready ? 'Ready' : `NotReady${c.reason ? `: ${c.reason}` : ''}`;
}

function chainTooltip(r: ChainRoute): string {
  const c = r.chain;
  return [
    `${c.name}: ${statusText(c)}`,
    `path: ${r.nodes.join(' → ')}`,
    `functions: ${functionList(c)}`,
    `segments: ${c.segments && c.segments.length > 0 ? c.segments.join(' → ') : 'unknown'}`,
    ...r.problems,
  ].join('\n');
}

function renderChains(s: Sized): string[] {
  return s.routes.map((r) => {
    const c = r.chain;
    const colour = chainColour(r.index, c.ready);
    const cls = `chain c${r.index} ${c.ready ? 'ready' : 'not-ready'}`;
    const lane = r.lane.length >= 2 ? `<polyline class="lane" points="${pointsAttr(r.lane)}" stroke="${colour}"/>` : '';
    const arrows = arrowheads(r.lane, s);
    return (
      `<g class="${cls}" data-chain="${x(c.name)}" data-path="${x(r.nodes.join(' '))}" data-offset="${num(r.offset)}">` +
      `<title>${x(chainTooltip(r))}</title>${lane}${arrows ? `<path class="arrows" d="${arrows}" fill="${colour}"/>` : ''}</g>`
    );
  });
}

function renderNodes(t: Topology, s: Sized): string[] {
  const { boxWidth: w, boxHeight: h } = s.layout.sizes;
  const maxDetails = Math.round((h - 44) / 14);
  const chars = (per: number): number => Math.floor((w - 14) / per);
  return t.nodes.map((n) => {
    const c = s.contents.get(n.name)!;
    const p = s.layout.centres.get(n.name)!;
    const colours = CATEGORY_COLOURS[c.category];
    const top = p.y - h / 2 + ((maxDetails - c.details.length) * 14) / 2;
    const text = [
      `<text class="name" x="${num(p.x)}" y="${num(top + 20)}" fill="${colours.text}">${x(fit(c.name, chars(CHAR.name)))}</text>`,
      `<text class="caption" x="${num(p.x)}" y="${num(top + 35)}" fill="${colours.text}">${x(fit(c.caption, chars(CHAR.caption)))}</text>`,
      ...c.details.map((d, i) => `<text class="detail" x="${num(p.x)}" y="${num(top + 50 + 14 * i)}" fill="#334155">${x(fit(d, chars(CHAR.mono)))}</text>`),
    ];
    return (
      `<g class="node role-${c.category}" data-node="${x(n.name)}" text-anchor="middle"><title>${x(c.tooltip)}</title>` +
      `<rect x="${num(p.x - w / 2)}" y="${num(p.y - h / 2)}" width="${num(w)}" height="${num(h)}" rx="8" fill="${colours.fill}" stroke="${colours.stroke}"/>` +
      `${text.join('')}</g>`
    );
  });
}

function renderBadges(s: Sized): string[] {
  const { boxWidth: w, boxHeight: h } = s.layout.sizes;
  const perRow = Math.max(1, Math.floor((w - 16) / (2 * BADGE_R + 3)));
  const onNode = new Map<string, number>();
  const out: string[] = [];
  for (const r of s.routes) {
    r.chain.functions.forEach((f, i) => {
      const p = s.layout.centres.get(f.node);
      if (!p) return;
      const j = onNode.get(f.node) ?? 0;
      onNode.set(f.node, j + 1);
      const cx = p.x + w / 2 - 14 - (j % perRow) * (2 * BADGE_R + 3);
      const cy = p.y - h / 2 - Math.floor(j / perRow) * (2 * BADGE_R + 2);
      const colour = chainColour(r.index, r.chain.ready);
      const tip = `${r.chain.name} #${i + 1}: ${f.name} (${f.type}) on ${f.node}${f.sid ? `, SID ${f.sid}` : ''}`;
      out.push(
        `<g class="badge c${r.index}" data-chain="${x(r.chain.name)}" data-function="${x(f.name)}" data-step="${i + 1}"><title>${x(tip)}</title>` +
          `<circle cx="${num(cx)}" cy="${num(cy)}" r="${BADGE_R}" fill="${colour}" stroke="#fff" stroke-width="1.5"/>` +
          `<text x="${num(cx)}" y="${num(cy + 3.5)}" text-anchor="middle">${i + 1}</text></g>`,
      );
    });
  }
  return out;
}

/** The chain legend below the drawing; returns the markup and the height it takes. */
function renderLegend(s: Sized, top: number, width: number): { markup: string; height: number } {
  if (s.routes.length === 0) {
    return { markup: `<g class="legend"><text class="heading" x="${MARGIN}" y="${num(top + 14)}">Chains: none</text></g>`, height: 24 };
  }
  const out: string[] = [`<text class="heading" x="${MARGIN}" y="${num(top + 14)}">Chains</text>`];
  const textX = MARGIN + 44;
  const chars = (per: number): number => Math.max(20, Math.floor((width - textX - MARGIN) / per));
  let y = top + 38;
  for (const r of s.routes) {
    const c = r.chain;
    const colour = chainColour(r.index, c.ready);
    const dash = c.ready ? '' : ' stroke-dasharray="7 5"';
    const entry: string[] = [
      `<path d="M${MARGIN},${num(y - 4)}H${MARGIN + 30}" stroke="${colour}" stroke-width="3" fill="none"${dash}/>`,
      `<path d="M${MARGIN + 36},${num(y - 4)}L${MARGIN + 28},${num(y - 9)}L${MARGIN + 28},${num(y + 1)}Z" fill="${colour}"/>`,
      `<text class="chain-name" x="${textX}" y="${num(y)}">${x(c.name)}</text>`,
    ];
    const statusX = textX + c.name.length * 8 + 12;
    const status = c.ready ? 'Ready' : 'NotReady';
    entry.push(`<text class="${c.ready ? 'ready' : 'not-ready-text'}" x="${num(statusX)}" y="${num(y)}">${status}</text>`);
    y += 17;
    const line = (text: string, cls: string, per: number): void => {
      for (const l of wrap(text, chars(per))) {
        entry.push(`<text class="${cls}" x="${textX}" y="${num(y)}">${x(l)}</text>`);
        y += 16;
      }
    };
    if (!c.ready) line(`reason: ${c.reason ?? 'not reported'}`, 'line', CHAR.legend);
    line(`functions: ${functionList(c)}`, 'line', CHAR.legend);
    line(`segments: ${c.segments && c.segments.length > 0 ? c.segments.join(' → ') : 'unknown'}`, 'line mono', CHAR.legendMono);
    for (const p of r.problems) line(p, 'line problem', CHAR.legend);
    y += 8;
    out.push(`<g class="entry c${r.index}" data-chain="${x(c.name)}"><title>${x(chainTooltip(r))}</title>${entry.join('')}</g>`);
  }
  return { markup: `<g class="legend">${out.join('\n')}</g>`, height: y - top };
}

function renderHeader(t: Topology, chains: readonly ChainView[], opts: GraphOptions, title: string): string {
  const ready = chains.filter((c) => c.ready).length;
  const facts = [
    `lab ${t.name}`,
    `${t.nodes.length} node${t.nodes.length === 1 ? '' : 's'}`,
    `${t.links.length} link${t.links.length === 1 ? '' : 's'}`,
    `${chains.length} chain${chains.length === 1 ? '' : 's'} (${ready} ready)`,
    ...(opts.underlay ? [`underlay: ${opts.underlay.mode}`] : []),
  ];
  const out = [
    `<text class="title" x="${MARGIN}" y="36">${x(title)}</text>`,
    `<text class="subtitle" x="${MARGIN}" y="56">${x(facts.join(' · '))}</text>`,
  ];
  const present = new Set(t.nodes.map(nodeCategory));
  let kx = MARGIN;
  for (const cat of CATEGORY_ORDER) {
    if (!present.has(cat)) continue;
    const c = CATEGORY_COLOURS[cat];
    out.push(`<rect x="${kx}" y="68" width="16" height="11" rx="3" fill="${c.fill}" stroke="${c.stroke}"/>`);
    out.push(`<text class="key" x="${kx + 21}" y="78">${x(cat)}</text>`);
    kx += 21 + cat.length * 6.5 + 16;
  }
  if (chains.some((c) => !c.ready)) {
    out.push(`<path d="M${num(kx)},73.5H${num(kx + 24)}" stroke="${NOT_READY_COLOUR}" stroke-width="3" stroke-dasharray="7 5"/>`);
    out.push(`<text class="key" x="${num(kx + 30)}" y="78">chain not ready</text>`);
  }
  return `<g class="header">${out.join('')}</g>`;
}

export function renderSvgElement(t: Topology, chains: readonly ChainView[], opts: GraphOptions = {}): string {
  const title = opts.title ?? `Lab ${t.name}`;
  const s = measure(t, chains, opts);
  const width = Math.ceil(Math.max(MIN_WIDTH, s.layout.right + MARGIN + 20));
  const legend = renderLegend(s, s.layout.bottom + 40, width);
  const height = Math.ceil(s.layout.bottom + 40 + legend.height + MARGIN);
  const { lines, labels } = renderLinks(t, s);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" class="sfc-graph" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${x(title)}">`,
    `<title>${x(title)}</title>`,
    `<style>\n${styleSheet(chains.length)}\n</style>`,
    `<rect class="background" width="${width}" height="${height}" fill="#ffffff"/>`,
    renderHeader(t, chains, opts, title),
    `<g class="links">\n${lines.join('\n')}\n</g>`,
    `<g class="chains">\n${renderChains(s).join('\n')}\n</g>`,
    `<g class="nodes">\n${renderNodes(t, s).join('\n')}\n</g>`,
    `<g class="ifnames">\n${labels.join('\n')}\n</g>`,
    `<g class="badges">\n${renderBadges(s).join('\n')}\n</g>`,
    legend.markup,
    `</svg>`,
  ].join('\n');
}
