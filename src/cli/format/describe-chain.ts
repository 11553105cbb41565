/**
 * `sfcctl describe chain NAME`: one chain as an operator reads it — what it matches, the path
 * hop by hop with each hop's SID per address family, the segment lists, the instances with the
 * proxy the controller chose and their counters, the conditions, and their transitions in time
 * order. The API keeps no event history, so the conditions' last transitions are the events shown
 * (and the heading says so). Pure.
 */
import type { ChainInstance } from '../../controller/grpc/codecs/instance-codec.js';
import type { Chain, ChainFunction, TrafficMatch } from '../../model/chain.js';
import { formatPortRange } from '../../chains/port-ranges.js';
import { isReconciling } from '../../controller/grpc/codecs/chain-codec.js';
import { condition } from '../readiness.js';
import { formatAge } from './age.js';
import { NONE } from './resource-tables.js';
import { formatTable } from './table.js';

type Family = 'ipv4' | 'ipv6';
const FAMILY_NAME: Readonly<Record<Family, string>> = { ipv4: 'IPv4', ipv6: 'IPv6' };

const list = (xs: readonly (string | number)[] | undefined, empty = 'any'): string => (xs && xs.length > 0 ? xs.join(', ') : empty);

const labels = (l: Readonly<Record<string, string>>): string =>
  Object.keys(l)
    .sort()
    .map((k) => `${k}=${l[k]}`)
    .join(', ') || NONE;

const when = (time: string, now: Date): string => (time ? `${time} (${formatAge(time, now)} ago)` : NONE);

function matchRows(m: TrafficMatch): string[][] {
  return [
    ['Destinations:', list(m.destinations)],
    ['Sources:', list(m.sources)],
    ['Protocol:', m.protocol === undefined ? 'any' : String(m.protocol)],
    ['Ports:', list(m.ports?.map(formatPortRange))],
    ['Interface:', m.interface ?? 'any'],
  ];
}

/** The proxy a function asks for: its own, else the chain's; SR-aware functions have none. */
const requestedProxy = (c: Chain, f: ChainFunction): string => (f.sr === 'aware' ? NONE : (f.proxy ?? c.spec.proxy ?? 'auto'));

function placement(f: ChainFunction): string {
  const p = f.placement;
  if (p?.node) return `node ${p.node}`;
  if (p?.nodeSelector && Object.keys(p.nodeSelector).length > 0) return `selector ${labels(p.nodeSelector)}`;
  return 'anywhere';
}

/** The families the chain carries: those of its destinations (segment lists exist only once programmed). */
const families = (c: Chain): Family[] => {
  const has6 = c.spec.ingress.match.destinations.some((d) => d.includes(':'));
  const has4 = c.spec.ingress.match.destinations.some((d) => !d.includes(':'));
  return [...(has4 ? (['ipv4'] as const) : []), ...(has6 ? (['ipv6'] as const) : [])];
};

/**
 * The SID a hop is reached by in one family: the instance's DX4/DX6 SID, or else its place in the
 * segment list, which is [function SIDs..., egress SID] in travel order (SR-aware functions have
 * no DX SIDs of their own in the status).
 */
function hopSid(c: Chain, index: number, family: Family): string {
  const segments = c.status.segments[family] ?? [];
  const fn = c.spec.functions[index];
  if (fn) {
    const sids = c.status.instances.find((i) => i.function === fn.name)?.sids;
    const own = family === 'ipv4' ? sids?.dx4 : sids?.dx6;
    if (own) return own;
  }
  return segments.length === c.spec.functions.length + 1 ? segments[index]! : NONE;
}

function pathRows(c: Chain, fams: readonly Family[]): string[][] {
  const node = (fn: string): string => c.status.instances.find((i) => i.function === fn)?.node ?? NONE;
  // The status carries the ingress list: with a static proxy it holds only the first function's
  // SID, so the egress SID is known only when the list is the full path.
  const egressSid = (f: Family): string => {
    const s = c.status.segments[f] ?? [];
    return s.length === c.spec.functions.length + 1 ? s[s.length - 1]! : NONE;
  };
  return [
    ['ingress', c.spec.ingress.node, ...fams.map(() => 'encap')],
    ...c.spec.functions.map((f, i) => [`${f.name} (${f.type})`, node(f.name), ...fams.map((fam) => hopSid(c, i, fam))]),
    ['egress', c.spec.egress.node, ...fams.map(egressSid)],
  ];
}

function instanceRows(c: Chain, served: readonly ChainInstance[] | undefined): string[][] {
  return c.spec.functions.flatMap((f) => {
    const ref = c.status.instances.find((i) => i.function === f.name);
    const inst = served?.find((i) => i.function === f.name);
    if (!ref && !inst) return [];
    const sids = inst?.sids ?? ref?.sids ?? {};
    const packets = inst?.counters?.packets ?? ref?.packets;
    const state = inst ? (inst.reason ? `${inst.state} (${inst.reason})` : inst.state) : NONE;
    // The proxy is the one the controller chose (the chain's status): what `auto` became.
    return [
      [f.name, inst?.node ?? ref?.node ?? NONE, inst?.id ?? ref?.id ?? NONE, state, ref?.proxy ?? NONE, sids.dx4 ?? NONE, sids.dx6 ?? NONE, packets?.toString() ?? NONE, inst?.counters?.bytes.toString() ?? NONE],
    ];
  });
}

const section = (title: string, lines: readonly string[], empty = '<none>'): string[] => (lines.length > 0 ? [`${title}:`, ...lines] : [`${title}:  ${empty}`]);

/**
 * `instances` are the InstanceService's view (state, bytes) when it answered; the chain's status
 * alone otherwise (node, id, SIDs, packets). An instance's proxy always comes from the status.
 */
export function describeChain(c: Chain, instances: readonly ChainInstance[] | undefined, now: Date): string {
  const ready = condition(c, 'Ready');
  const fams = families(c);
  const head = formatTable(
    [],
    [
      ['Name:', c.name],
      ['Labels:', labels(c.labels)],
      ['Generation:', `${c.generation} (observed ${c.status.observedGeneration})`],
      ['Etag:', c.etag || NONE],
      ['Created:', when(c.createTime, now)],
      ['Updated:', when(c.updateTime, now)],
      ['Ready:', ready ? `${ready.status}${ready.status !== 'True' && ready.reason ? ` (${ready.reason})` : ''}` : 'Unknown (no conditions yet)'],
      ['Reconciling:', isReconciling(c) ? 'yes' : 'no'],
      ['Ingress:', c.spec.ingress.node],
      ['Egress:', `${c.spec.egress.node} (decap ${c.spec.egress.decap ?? 'auto'})`],
      ['Proxy:', c.spec.proxy ?? 'auto'],
    ],
    { gap: 1 },
  );
  const placed = instanceRows(c, instances);
  const transitions = [...c.status.conditions].filter((k) => k.lastTransitionTime !== '').sort((a, b) => Date.parse(a.lastTransitionTime) - Date.parse(b.lastTransitionTime));
  const lines = [
    ...head,
    'Match:',
    ...formatTable([], matchRows(c.spec.ingress.match), { indent: 2, gap: 1 }),
    ...section(
      'Functions',
      formatTable(
        ['NAME', 'TYPE', 'SR', 'PROXY', 'PLACEMENT'],
        c.spec.functions.map((f) => [f.name, f.type, f.sr ?? 'unaware', requestedProxy(c, f), placement(f)]),
        { indent: 2 },
      ),
    ),
    'Path:',
    ...formatTable(['HOP', 'NODE', ...fams.map((f) => `SID (${FAMILY_NAME[f]})`)], pathRows(c, fams), { indent: 2 }),
    ...section(
      'Segments',
      formatTable(
        [],
        fams.map((f) => [`${FAMILY_NAME[f]}:`, (c.status.segments[f] ?? []).join(' → ') || 'not programmed yet']),
        { indent: 2, gap: 1 },
      ),
    ),
    ...section(
      'Instances',
      placed.length > 0 ? formatTable(['FUNCTION', 'NODE', 'ID', 'STATE', 'PROXY', 'SID4', 'SID6', 'PACKETS', 'BYTES'], placed, { indent: 2 }) : [],
      '<none> (not placed yet)',
    ),
    ...section(
      'Conditions',
      c.status.conditions.length > 0
        ? formatTable(
            ['TYPE', 'STATUS', 'REASON', 'AGE', 'GENERATION', 'MESSAGE'],
            c.status.conditions.map((k) => [k.type, k.status, k.reason || NONE, formatAge(k.lastTransitionTime, now), String(k.observedGeneration), k.message || NONE]),
            { indent: 2 },
          )
        : [],
    ),
    ...section(
      'Events (condition transitions, oldest first)',
      transitions.length > 0
        ? formatTable(
            ['AGE', 'CONDITION', 'REASON', 'MESSAGE'],
            transitions.map((k) => [formatAge(k.lastTransitionTime, now), `${k.type}=${k.status}`, k.reason || NONE, k.message || NONE]),
            { indent: 2 },
          )
        : [],
    ),
  ];
  return `${lines.join('\n')}\n`;
}
