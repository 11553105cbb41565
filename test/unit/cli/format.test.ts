/** Output formatting, all pure: tables, JSON, ages, readiness, plans, watch lines, progress, help. */
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { COMMANDS, GLOBAL_FLAGS } from '../../../src/cli/args/specs.js';
import { formatAge, formatElapsed } from '../../../src/cli/format/age.js';
import { applyLine, deleteLine } from '../../../src/cli/format/apply-line.js';
import { jsonLine, stableJson } from '../../../src/cli/format/json.js';
import { chainObject, nodeObject } from '../../../src/cli/format/objects.js';
import { formatPlan } from '../../../src/cli/format/plan.js';
import { changedLines, spinnerLine } from '../../../src/cli/format/progress.js';
import { chainsTable, instanceNames } from '../../../src/cli/format/resource-tables.js';
import { formatTable } from '../../../src/cli/format/table.js';
import { describeChain } from '../../../src/cli/format/describe-chain.js';
import { watchJsonLine, watchLine } from '../../../src/cli/format/watch-line.js';
import { commandHelp, generalHelp } from '../../../src/cli/help.js';
import { chainReadiness } from '../../../src/cli/readiness.js';
import { parseChainDocuments } from '../../../src/chains/parse-documents.js';
import { toYaml } from '../../../src/chains/to-yaml.js';
import { NODES, NOW, pendingChain, readyChain } from './fixtures.js';

describe('formatTable', () => {
  it('aligns columns to the widest cell, three spaces apart, without trailing spaces', () => {
    expect(formatTable(['NAME', 'READY', 'X'], [['web', 'True', ''], ['a-long-name', 'False', 'x']])).toEqual(['NAME          READY   X', 'web           True', 'a-long-name   False   x']);
  });

  it('counts code points, indents and takes another gap', () => {
    expect(formatTable([], [['a → b', '1'], ['abcdef', '2']], { indent: 2, gap: 1 })).toEqual(['  a → b  1', '  abcdef 2']);
    expect(formatTable(['A'], [])).toEqual(['A']);
  });
});

describe('stableJson', () => {
  it('sorts keys at every level, prints bigints exactly as strings, drops undefined', () => {
    const a = stableJson({ b: 1, a: { d: [{ z: 1, y: 2n ** 64n - 1n }], c: undefined } });
    expect(a).toBe('{\n  "a": {\n    "d": [\n      {\n        "y": "18446744073709551615",\n        "z": 1\n      }\n    ]\n  },\n  "b": 1\n}\n');
    expect(stableJson({ x: 1, y: 2 })).toBe(stableJson({ y: 2, x: 1 }));
    expect(jsonLine({ b: 1, a: 2 })).toBe('{"a":2,"b":1}\n');
  });
});

describe('ages', () => {
  const at = (s: number) => new Date(NOW.getTime() - s * 1000).toISOString();
  it('prints two units while they matter, one after', () => {
    const cases: [number, string][] = [
      [0, '0s'],
      [119, '119s'],
      [120, '2m'],
      [330, '5m30s'],
      [600, '10m'],
      [3 * 3600 - 1, '179m'],
      [3 * 3600, '3h'],
      [3 * 3600 + 1200, '3h20m'],
      [8 * 3600, '8h'],
      [30 * 3600, '30h'],
      [48 * 3600, '2d'],
      [52 * 3600, '2d4h'],
      [12 * 86400, '12d'],
    ];
    expect(cases.map(([s]) => formatAge(at(s), NOW))).toEqual(cases.map(([, a]) => a));
  });

  it('shows unknown and future times plainly', () => {
    expect(formatAge('', NOW)).toBe('-');
    expect(formatAge('not a time', NOW)).toBe('-');
    expect(formatAge('2030-01-01T00:00:00Z', NOW)).toBe('0s');
  });

  it('prints elapsed waits', () => {
    expect([400, 9999, 12_000, 125_000].map(formatElapsed)).toEqual(['0.4s', '10.0s', '12s', '2m05s']);
  });
});

describe('chainReadiness', () => {
  it('is Ready only for the generation asked, once the controller acted on it', () => {
    const ready = readyChain('web');
    expect(chainReadiness(ready)).toEqual({ ready: true, summary: 'Ready' });
    expect(chainReadiness({ ...ready, generation: 2 }, 2)).toEqual({ ready: false, summary: 'waiting for the controller to act on generation 2 (observed 1)' });
    const observedButOldReady = { ...ready, generation: 2, status: { ...ready.status, observedGeneration: 2 } };
    expect(chainReadiness(observedButOldReady, 2)).toEqual({ ready: false, summary: 'Ready for generation 1, not yet 2' });
  });

  it('names the first condition, in reconcile order, that does not hold', () => {
    expect(chainReadiness(pendingChain('web'))).toEqual({ ready: false, summary: 'InstancesReady=False SpawnFailed: fw: runtime netns failed' });
    const fresh = { ...readyChain('web'), status: { observedGeneration: 1, conditions: [], segments: {}, instances: [] } };
    expect(chainReadiness(fresh)).toEqual({ ready: false, summary: 'no conditions reported yet' });
  });
});

describe('resource tables', () => {
  it('shows a chain not yet observed with both generations, and its Ready reason', () => {
    const c = { ...pendingChain('api'), generation: 3 };
    expect(chainsTable([c], NOW)).toEqual([
      'NAME   READY   REASON              INGRESS   EGRESS   FUNCTIONS   GENERATION       AGE',
      'api    False   InstancesNotReady   edge1     edge2    fw,mon      3 (observed 1)   5m55s',
    ]);
    const bare = { ...readyChain('x'), status: { observedGeneration: 0, conditions: [], segments: {}, instances: [] } };
    expect(chainsTable([bare], NOW)[1]).toBe('x      Unknown   -        edge1     edge2    fw,mon      1 (observed 0)   5m55s');
  });

  it('names instances as TYPE/NAME', () => {
    expect(instanceNames([{ chain: 'web', function: 'fw', node: 'fn1', id: 'x', sids: {}, state: 'running' }])).toEqual(['instance/web/fw']);
  });
});

describe('objects', () => {
  it('writes a chain’s spec as its document does, so -o json and -o yaml agree', () => {
    const c = readyChain('web');
    const o = chainObject(c);
    // The JSON's spec is a valid document spec that reads back as the chain's.
    const doc = parseChainDocuments(stringify({ apiVersion: o.apiVersion, kind: o.kind, metadata: { name: 'web' }, spec: o.spec })).chains[0]!;
    expect(doc.spec).toEqual(c.spec);
    expect(toYaml(c)).toContain('ports: [80, 8000-8080]');
    expect((o.spec as { ingress: { match: { ports: unknown } } }).ingress.match.ports).toEqual([80, '8000-8080']);
    expect(o.metadata).toEqual({ name: 'web', labels: { app: 'web' }, generation: 1, etag: '"1-abc"', createTime: '2025-01-02T03:04:05.000Z', updateTime: '2025-01-02T03:04:05.000Z' });
  });

  it('names node features as the API does', () => {
    const features = nodeObject(NODES[0]!).features as Record<string, unknown>;
    expect(features['seg6local.End.DT46']).toEqual({ supported: true });
    expect(features.vrf).toEqual({ supported: false, reason: 'no VRF support' });
    expect(features['seg6local.End.DT6.vrf']).toEqual({ supported: false, reason: 'EOPNOTSUPP' });
  });
});

describe('formatPlan', () => {
  it('marks creations, keeps and deletions, with each node’s operations', () => {
    const text = formatPlan('web', 'updated', {
      segments: { ipv4: ['fc00:4::d4', 'fc00:2::d46'], ipv6: ['fc00:4::d6', 'fc00:2::d46'] },
      nodes: [
        {
          node: 'fn1',
          ops: { created: 0, replaced: 0, deleted: 3, unchanged: 1 },
          instances: [{ function: 'fw', id: 'web-fw-0', sids: { dx4: 'fc00:3::d4', dx6: 'fc00:3::d6' }, action: 'delete' }],
          sids: [{ sid: 'fc00:3::d4', behavior: 'End.DX4', function: 'fw', action: 'delete' }],
        },
        {
          node: 'fn2',
          ops: { created: 3, replaced: 1, deleted: 0, unchanged: 0 },
          instances: [{ function: 'fw', id: 'web-fw-1', sids: { dx4: 'fc00:4::d4' }, proxy: 'dynamic', action: 'create' }],
          sids: [{ sid: 'fc00:4::d4', behavior: 'End.DX4', function: 'fw', action: 'create' }],
        },
      ],
    });
    expect(text).toBe(
      [
        'chain/web: would be configured',
        '  segments IPv4: fc00:4::d4 → fc00:2::d46',
        '  segments IPv6: fc00:4::d6 → fc00:2::d46',
        '  node fn1: 0 to create, 0 to replace, 3 to delete (1 unchanged)',
        '    -  instance  fw  web-fw-0    dx4 fc00:3::d4, dx6 fc00:3::d6',
        '    -  sid       fw  fc00:3::d4  End.DX4',
        '  node fn2: 3 to create, 1 to replace, 0 to delete (0 unchanged)',
        '    +  instance  fw  web-fw-1    dx4 fc00:4::d4, dynamic proxy',
        '    +  sid       fw  fc00:4::d4  End.DX4',
        '',
      ].join('\n'),
    );
    expect(formatPlan('web', 'unchanged', undefined)).toBe('chain/web: unchanged\n  (the controller answered without a plan)\n');
  });
});

describe('result lines', () => {
  it('uses kubectl’s words', () => {
    expect([applyLine('a', 'created', false), applyLine('a', 'updated', false), applyLine('a', 'unchanged', true)]).toEqual([
      'chain/a created\n',
      'chain/a configured\n',
      'chain/a unchanged (dry run)\n',
    ]);
    expect(deleteLine('a', true)).toBe('chain/a deleted (dry run)\n');
  });
});

describe('watch lines', () => {
  it('prints one line per event, the deleted chain as deleted', () => {
    expect(watchLine({ type: 'DELETED', chain: readyChain('web') }, NOW)).toBe('2025-01-02T03:10:00Z  DELETED   chain/web             gen 1    deleted\n');
    const c = { ...readyChain('a-very-long-chain-name'), generation: 1234 };
    expect(watchLine({ type: 'MODIFIED', chain: c }, NOW)).toBe('2025-01-02T03:10:00Z  MODIFIED  chain/a-very-long-chain-name  gen 1234  Ready=True Ready\n');
    expect(JSON.parse(watchJsonLine({ type: 'ADDED', chain: readyChain('web') }, NOW))).toMatchObject({ type: 'ADDED', time: NOW.toISOString(), chain: { kind: 'ServiceChain' } });
  });
});

describe('progress', () => {
  it('draws one spinner line with the first chain waiting and how many more', () => {
    const state = new Map([
      ['web', 'InstancesReady=False SpawnFailed'],
      ['dns', 'Placed=Unknown'],
    ]);
    expect(spinnerLine(2, state, 12_345)).toBe('⠹ 12s waiting for chain/web: InstancesReady=False SpawnFailed (+1 more)');
    expect(spinnerLine(10, new Map([['web', 'x']]), 500)).toBe('⠋ 0.5s waiting for chain/web: x');
  });

  it('logs only the chains whose state changed', () => {
    const before = new Map([['web', 'a'], ['dns', 'b']]);
    expect(changedLines(before, new Map([['web', 'a'], ['dns', 'c']]), 1500)).toEqual(['1.5s chain/dns: c']);
    expect(changedLines(new Map(), before, 0)).toEqual(['0.0s chain/web: a', '0.0s chain/dns: b']);
  });
});

describe('help', () => {
  it('lists every command, and every flag of a command with the global ones', () => {
    const general = generalHelp();
    for (const c of COMMANDS) expect(general).toContain(`  ${c.name}  `);
    for (const c of COMMANDS) {
      const text = commandHelp(c.name);
      for (const f of [...c.flags, ...GLOBAL_FLAGS]) expect(text).toContain(`--${f.name}`);
      expect(text).toContain('Exit codes:');
    }
    expect(general).toContain('SFC_CONTROLLER');
  });
});

describe('describe chain: the egress hop', () => {
  it('shows the egress SID only when the status list is the full path (a static proxy keeps just the first hop)', () => {
    const full = readyChain();
    const egressRow = (text: string): string => text.split('\n').find((l) => /^\s+egress\s/.test(l)) ?? '';
    const fullList = full.status.segments.ipv4!;
    const withFull = { ...full, status: { ...full.status, segments: { ipv4: [...full.spec.functions.map((_, i) => fullList[i] ?? `fc00:9::${i + 1}`), 'fc00:2::d4'] } } };
    expect(egressRow(describeChain(withFull, undefined, NOW))).toContain('fc00:2::d4');
    const firstHopOnly = { ...full, status: { ...full.status, segments: { ipv4: ['fc00:3::d4'] } } };
    expect(egressRow(describeChain(firstHopOnly, undefined, NOW))).not.toContain('fc00:3::d4');
  });
});

describe('describe chain: proxies', () => {
  /** The indented lines under a section heading. */
  const rows = (text: string, title: string): string[] => {
    const after = text.split('\n').slice(text.split('\n').indexOf(`${title}:`) + 1);
    const end = after.findIndex((l) => !l.startsWith('  '));
    return end < 0 ? after : after.slice(0, end);
  };

  it('shows the chain proxy (absent = auto), what each function asks for, and what each instance got', () => {
    const c = readyChain();
    const text = describeChain(c, undefined, NOW);
    expect(text).toMatch(/^Proxy: +auto$/m);
    // fw inherits the chain's; mon is SR-aware: no proxy.
    expect(rows(text, 'Functions')).toEqual(['  NAME   TYPE       SR        PROXY   PLACEMENT', '  fw     firewall   unaware   auto    node fn1', '  mon    monitor    aware     -       selector srv6-sfc/role=vnf-host']);
    // The instance's proxy is the controller's choice (from the status), `-` when not reported.
    expect(rows(text, 'Instances')).toEqual([
      '  FUNCTION   NODE   ID          STATE   PROXY     SID4         SID6         PACKETS                BYTES',
      '  fw         fn1    web-fw-0    -       dynamic   fc00:3::d4   fc00:3::d6   12345678901234567890   -',
      '  mon        fn2    web-mon-0   -       -         -            -            0                      -',
    ]);
  });

  it("shows a function's own proxy over the chain's", () => {
    const c = readyChain();
    const [fw, mon] = c.spec.functions;
    const text = describeChain({ ...c, spec: { ...c.spec, proxy: 'static', functions: [{ ...fw!, proxy: 'dynamic' }, { ...mon!, sr: 'unaware' }] } }, undefined, NOW);
    expect(text).toMatch(/^Proxy: +static$/m);
    expect(rows(text, 'Functions').slice(1)).toEqual(['  fw     firewall   unaware   dynamic   node fn1', '  mon    monitor    unaware   static    selector srv6-sfc/role=vnf-host']);
  });
});
