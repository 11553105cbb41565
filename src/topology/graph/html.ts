/** The drawing wrapped in a self-contained page: inline CSS, no scripts, no external assets. */
import type { Topology } from '../types.js';
import { escapeXml as x } from './escape.js';
import { renderSvgElement } from './svg.js';
import type { ChainView, GraphOptions } from './view.js';

const PAGE_CSS = [
  'html{background:#f8fafc}',
  "body{margin:0;padding:24px;font-family:system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;color:#0f172a}",
  'main{width:fit-content;max-width:100%;margin:0 auto}',
  'figure{margin:0;background:#fff;border:1px solid #e2e8f0;border-radius:10px;box-shadow:0 1px 3px rgba(15,23,42,.08);overflow:auto}',
  'figure svg{display:block;max-width:100%;height:auto}',
  'p.hint{font-size:12px;color:#64748b;margin:10px 2px 0}',
].join('\n');

export function renderHtmlPage(t: Topology, chains: readonly ChainView[], opts: GraphOptions = {}): string {
  const title = opts.title ?? `Lab ${t.name}`;
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${x(title)}</title>`,
    `<style>\n${PAGE_CSS}\n</style>`,
    '</head>',
    '<body>',
    '<main>',
    `<figure>\n${renderSvgElement(t, chains, opts)}\n</figure>`,
    '<p class="hint">Hover a chain, a function badge or a legend entry to single it out; hover a node or a link for its details.</p>',
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
