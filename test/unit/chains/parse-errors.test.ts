/** Every kind of bad chain document: each error with its exact path, and all of them at once. */
import { describe, expect, it } from 'vitest';
import { parseChainDocuments } from '../../../src/chains/parse-documents.js';
import { formatDocumentError } from '../../../src/chains/format-error.js';
import { stringify } from 'yaml';
import { errorsAfter, fieldsAfter, validDocument } from './fixtures.js';

describe('a valid document', () => {
  it('parses into the model, prefixes canonical, nothing defaulted', () => {
    const r = parseChainDocuments(
      `apiVersion: srv6-sfc/v1alpha1
kind: ServiceChain
metadata: {name: web}
spec:
  ingress:
    node: edge1
    match: {destinations: [10.2.0.0/24, 2001:DB8:2:0::/64, 10.2.0.7/32], protocol: 6, ports: [80, 8000-8080, "9000", {start: 1, end: 2}]}
  egress: {node: edge2}
  functions:
    - {name: mon, type: monitor}
`,
      'web.yaml',
    );
    expect(r.errors).toEqual([]);
    expect(r.chains).toHaveLength(1);
    const c = r.chains[0]!;
    expect([c.name, c.labels, c.source.file, c.source.document]).toEqual(['web', {}, 'web.yaml', 1]);
    expect(c.spec).toEqual({
      ingress: {
        node: 'edge1',
        match: {
          destinations: ['10.2.0.0/24', '2001:db8:2::/64', '10.2.0.7'],
          protocol: 'tcp',
          ports: [
            { start: 80, end: 80 },
            { start: 8000, end: 8080 },
            { start: 9000, end: 9000 },
            { start: 1, end: 2 },
          ],
        },
      },
      egress: { node: 'edge2' },
      functions: [{ name: 'mon', type: 'monitor' }],
    });
  });

  it('expands short port spellings in firewall rules to {start, end}', () => {
    const r = parseChainDocuments(
      `apiVersion: srv6-sfc/v1alpha1
kind: ServiceChain
metadata: {name: web}
spec:
  ingress: {node: edge1, match: {destinations: [10.2.0.0/24]}}
  egress: {node: edge2}
  functions:
    - name: fw
      type: firewall
      config: {rules: [{action: accept, protocol: tcp, srcPorts: [{start: 1024, end: 65535}], dstPorts: [80, 8000-8080]}]}
`,
    );
    expect(r.errors).toEqual([]);
    expect(r.chains[0]!.spec.functions[0]!.config).toEqual({
      rules: [{ action: 'accept', protocol: 'tcp', srcPorts: [{ start: 1024, end: 65535 }], dstPorts: [{ start: 80, end: 80 }, { start: 8000, end: 8080 }] }],
    });
  });

  it('treats null (`key:` with no value) as absent for optional fields', () => {
    expect(
      errorsAfter((d) => {
        Object.assign(d.spec.ingress.match, { sources: null, protocol: null });
        Object.assign(d.metadata, { labels: null });
      }),
    ).toEqual([]);
  });
});

describe('envelope and metadata', () => {
  it('needs the apiVersion and kind', () => {
    expect(
      errorsAfter((d) => {
        d.apiVersion = 'v1';
        d.kind = 'Chain';
      }),
    ).toEqual([
      ['apiVersion', "must be srv6-sfc/v1alpha1 (got the string 'v1')"],
      ['kind', "must be ServiceChain (got the string 'Chain')"],
    ]);
    expect(
      errorsAfter((d) => {
        delete (d as Partial<typeof d>).apiVersion;
        delete (d as Partial<typeof d>).kind;
      }),
    ).toEqual([
      ['apiVersion', 'is required: srv6-sfc/v1alpha1'],
      ['kind', 'is required: ServiceChain'],
    ]);
  });

  it('refuses a document that is not a mapping', () => {
    const r = parseChainDocuments('- a\n- b\n', 'x.yaml');
    expect(r.errors.map(formatDocumentError)).toEqual(['x.yaml#1:1:1: must be a chain document: a mapping with apiVersion, kind, metadata and spec (got a list)']);
  });

  it('needs a DNS-label chain name', () => {
    for (const name of ['Web', 'web_1', '-web', 'a'.repeat(64), '']) {
      expect(errorsAfter((d) => (d.metadata.name = name))).toEqual([['metadata.name', `'${name}' must be a DNS label: 1..63 lowercase letters, digits and '-', starting and ending with a letter or digit`]]);
    }
    expect(errorsAfter((d) => ((d.metadata as Record<string, unknown>).name = 42))).toEqual([['metadata.name', 'must be a string (got a number: 42)']]);
    expect(errorsAfter((d) => delete (d.metadata as Record<string, unknown>).name)).toEqual([['metadata.name', 'is required']]);
  });

  it('checks label keys and values, with bracketed paths for keys that are not identifiers', () => {
    expect(
      errorsAfter((d) => {
        d.metadata.labels = { tier: 1, 'Bad Key': 'x', 'srv6-sfc/role': 'edge', 'EX.com/a': 'b', ok: 'a b' } as never;
      }),
    ).toEqual([
      ['metadata.labels.tier', 'label value must be a string (got a number: 1); quote it'],
      ['metadata.labels["Bad Key"]', "label key 'Bad Key' must be [prefix/]name, the name 1..63 of letters, digits, '.', '_' or '-', alphanumeric at both ends"],
      ['metadata.labels["EX.com/a"]', "label key prefix 'EX.com' must be a lowercase DNS subdomain"],
      ['metadata.labels.ok', "label value 'a b' must be empty or 1..63 of letters, digits, '.', '_' or '-', alphanumeric at both ends"],
    ]);
  });
});

describe('strict keys and types', () => {
  it('reports unknown keys at every level, suggesting the likely one', () => {
    expect(
      errorsAfter((d) => {
        (d as Record<string, unknown>).status = {};
        (d.metadata as Record<string, unknown>).annotations = {};
        (d.spec.ingress.match as Record<string, unknown>).destination = ['10.0.0.0/8'];
        (d.spec.functions[1] as Record<string, unknown>).node = 'fn2';
        (d.spec.functions[0]!.placement as Record<string, unknown>).nodeselector = { a: 'b' };
      }),
    ).toEqual([
      // In file order: `status` was added last, so it is written at the end.
      ['metadata.annotations', 'unknown field (one of name, labels)'],
      ['spec.ingress.match.destination', "unknown field; did you mean 'destinations'?"],
      ['spec.functions[0].placement.nodeselector', "unknown field; did you mean 'nodeSelector'?"],
      ['spec.functions[1].node', 'unknown field (one of name, type, config, sr, proxy, placement)'],
      ['status', 'unknown field (one of apiVersion, kind, metadata, spec)'],
    ]);
  });

  it('reports unknown keys inside a function config through the agent validator', () => {
    expect(errorsAfter((d) => ((d.spec.functions[1] as Record<string, unknown>).config = { interval: 5 }))).toEqual([['spec.functions[1].config.interval', 'unknown field (one of none)']]);
  });

  it('reports wrong types with what was found', () => {
    expect(
      errorsAfter((d) => {
        (d.spec as Record<string, unknown>).ingress = ['edge1'];
        (d.spec.egress as Record<string, unknown>).node = 7;
        (d.spec as Record<string, unknown>).functions = { fw: {} };
      }),
    ).toEqual([
      ['spec.ingress', 'must be a mapping (got a list)'],
      ['spec.egress.node', 'must be a string (got a number: 7)'],
      ['spec.functions', 'must be a list (got a mapping)'],
    ]);
  });

  it('needs ingress, egress and their nodes', () => {
    expect(
      errorsAfter((d) => {
        delete (d.spec as Record<string, unknown>).egress;
        delete (d.spec.ingress as Record<string, unknown>).node;
        delete (d.spec.ingress as Record<string, unknown>).match;
      }),
    ).toEqual([
      // A missing field is reported where its parent is: `spec:` comes before `ingress:`.
      ['spec.egress', 'is required: {node, decap}'],
      ['spec.ingress.node', 'is required'],
      ['spec.ingress.match', 'is required: {destinations, sources, protocol, ports, interface}'],
    ]);
    expect(fieldsAfter((d) => (d.spec.ingress.node = 'edge/1'))).toEqual(['spec.ingress.node']);
    expect(fieldsAfter((d) => (d.spec.ingress.node = 'edge.1'))).toEqual(['spec.ingress.node']);
  });
});

describe('functions', () => {
  it('refuses an empty chain, missing or empty', () => {
    expect(errorsAfter((d) => (d.spec.functions = []))).toEqual([['spec.functions', 'must list at least one function (a chain without functions steers traffic through nothing)']]);
    expect(errorsAfter((d) => delete (d.spec as Record<string, unknown>).functions)).toEqual([
      ['spec.functions', 'is required: list at least one function (a chain without functions steers traffic through nothing)'],
    ]);
  });

  it('refuses duplicate function names, pointing at the first', () => {
    expect(errorsAfter((d) => (d.spec.functions[1]!.name = 'fw'))).toEqual([['spec.functions[1].name', "duplicate function name 'fw' (also spec.functions[0])"]]);
  });

  it('refuses an unknown function type, or none', () => {
    expect(errorsAfter((d) => (d.spec.functions[0]!.type = 'fw'))).toEqual([['spec.functions[0].type', "unknown function type 'fw' (one of firewall, nat, monitor, responder)"]]);
    expect(errorsAfter((d) => delete (d.spec.functions[1] as Record<string, unknown>).type)).toEqual([['spec.functions[1].type', 'is required (one of firewall, nat, monitor, responder)']]);
  });

  it('validates each config with the agent validator, at the function path', () => {
    expect(
      errorsAfter((d) => {
        d.spec.functions[0]!.config = { rules: [{ action: 'reject', protocol: 'udp', dstPorts: [53], srcPrefixes: ['10.0.0.300/8'] }] } as never;
        d.spec.functions.push({ name: 'nat', type: 'nat' } as never, { name: 'nat2', type: 'nat', config: { mode: 'snat' } } as never);
      }),
    ).toEqual([
      ['spec.functions[0].config.rules[0].action', "must be 'accept' or 'drop'"],
      ['spec.functions[0].config.rules[0].srcPrefixes[0]', "'10.0.0.300' is not an IPv4 address"],
      ['spec.functions[2].config', "is required: {mode: 'masquerade'} or {mode: 'snat', toAddress}"],
      ['spec.functions[3].config.toAddress', 'is required for snat'],
    ]);
  });

  it('reports a bad short port in a firewall rule once, in the document spelling', () => {
    expect(errorsAfter((d) => ((d.spec.functions[0]!.config!.rules[0]! as Record<string, unknown>).dstPorts = [23, '90-80', 70000] as never))).toEqual([
      ['spec.functions[0].config.rules[0].dstPorts[1]', "must be a port (80), a range ('8000-8080') or {start, end}, within 0..65535 and start <= end (got the string '90-80')"],
      ['spec.functions[0].config.rules[0].dstPorts[2]', "must be a port (80), a range ('8000-8080') or {start, end}, within 0..65535 and start <= end (got a number: 70000)"],
    ]);
  });

  it('refuses placement with both node and nodeSelector, and an empty selector', () => {
    expect(errorsAfter((d) => (d.spec.functions[0]!.placement = { node: 'fn1', nodeSelector: { role: 'vnf' } } as never))).toEqual([
      ['spec.functions[0].placement', 'give either node (pin to one node) or nodeSelector (any node with these labels), not both'],
    ]);
    expect(errorsAfter((d) => (d.spec.functions[0]!.placement = { nodeSelector: {} } as never))).toEqual([
      ['spec.functions[0].placement.nodeSelector', 'must not be empty: omit placement to let the controller choose any node'],
    ]);
    expect(errorsAfter((d) => (d.spec.functions[0]!.placement = { nodeSelector: { 'srv6-sfc/role': 1 } } as never))).toEqual([
      ['spec.functions[0].placement.nodeSelector["srv6-sfc/role"]', 'label value must be a string (got a number: 1); quote it'],
    ]);
  });

  it('checks sr modes', () => {
    expect(errorsAfter((d) => ((d.spec.functions[0] as Record<string, unknown>).sr = 'yes'))).toEqual([['spec.functions[0].sr', "must be one of aware, unaware (got the string 'yes')"]]);
  });
});

describe('classifier', () => {
  it('refuses an empty or missing destination list', () => {
    expect(errorsAfter((d) => (d.spec.ingress.match.destinations = []))).toEqual([
      ['spec.ingress.match.destinations', 'must list at least one destination prefix: an empty classifier sends no traffic into the chain'],
    ]);
    expect(errorsAfter((d) => delete (d.spec.ingress.match as Record<string, unknown>).destinations)).toEqual([
      ['spec.ingress.match.destinations', 'is required: the destination prefixes whose traffic enters the chain'],
    ]);
  });

  it('refuses bad prefixes: syntax, length, host bits, type, duplicates', () => {
    expect(errorsAfter((d) => (d.spec.ingress.match.destinations = ['10.2.0.0/33', '10.2.0.1/24', 'fe80::1::2/64', 'web', 10 as never, '10.2.0.0/24', '10.2.0.0/24']))).toEqual([
      ['spec.ingress.match.destinations[0]', "'10.2.0.0/33' has a bad prefix length (0..32)"],
      ['spec.ingress.match.destinations[1]', "'10.2.0.1/24' has host bits set beyond /24 (did you mean 10.2.0.0/24?)"],
      ['spec.ingress.match.destinations[2]', "'fe80::1::2' is not an IPv6 address"],
      ['spec.ingress.match.destinations[3]', "'web' is not an IPv4 address"],
      ['spec.ingress.match.destinations[4]', 'must be a prefix such as 10.0.0.0/8 or 2001:db8::/32 (got a number: 10)'],
      ['spec.ingress.match.destinations[6]', 'duplicate of spec.ingress.match.destinations[5] (10.2.0.0/24)'],
    ]);
  });

  it('refuses sources and destinations of different families', () => {
    expect(errorsAfter((d) => ((d.spec.ingress.match as Record<string, unknown>).sources = ['10.1.0.0/24']))).toEqual([
      ['spec.ingress.match.sources', 'has no IPv6 prefix, so IPv6 destinations would match no traffic (add ::/0 to accept any IPv6 source)'],
    ]);
    expect(
      errorsAfter((d) => {
        d.spec.ingress.match.destinations = ['10.2.0.0/24'];
        (d.spec.ingress.match as Record<string, unknown>).sources = ['10.1.0.0/24', '2001:db8:1::/64'];
      }),
    ).toEqual([['spec.ingress.match.sources[1]', '2001:db8:1::/64 is IPv6 but no destination is: it could never match']]);
    expect(errorsAfter((d) => ((d.spec.ingress.match as Record<string, unknown>).sources = []))).toEqual([
      ['spec.ingress.match.sources', 'must not be empty: omit sources to match any source'],
    ]);
  });

  it('refuses ports without tcp or udp', () => {
    expect(errorsAfter((d) => ((d.spec.ingress.match as Record<string, unknown>).ports = [80]))).toEqual([
      ['spec.ingress.match.ports', 'needs protocol tcp or udp: ports are matched only for them'],
    ]);
    expect(errorsAfter((d) => Object.assign(d.spec.ingress.match, { protocol: 'icmp', ports: [80], destinations: ['10.2.0.0/24'] }))).toEqual([
      ['spec.ingress.match.ports', 'needs protocol tcp or udp (got icmp): ports are matched only for them'],
    ]);
    expect(errorsAfter((d) => Object.assign(d.spec.ingress.match, { protocol: 17, ports: [53] }))).toEqual([]);
  });

  it('checks protocols, their families, ports and interfaces', () => {
    expect(errorsAfter((d) => Object.assign(d.spec.ingress.match, { protocol: 'tpc', ports: [], interface: 'a-very-long-interface' }))).toEqual([
      ['spec.ingress.match.protocol', "must be tcp, udp, icmp, icmpv6 or a protocol number 1..255 (got the string 'tpc'); did you mean 'tcp'?"],
      ['spec.ingress.match.ports', 'must not be empty: omit ports to match every port'],
      ['spec.ingress.match.interface', "'a-very-long-interface' is not a Linux interface name (1..15 characters, no '/', ':' or spaces)"],
    ]);
    expect(errorsAfter((d) => Object.assign(d.spec.ingress.match, { protocol: 'icmpv6', destinations: ['10.2.0.0/24'] }))).toEqual([
      ['spec.ingress.match.protocol', 'icmpv6 is IPv6-only but every destination is IPv4'],
    ]);
    expect(errorsAfter((d) => Object.assign(d.spec.ingress.match, { protocol: 0 }))).toEqual([
      ['spec.ingress.match.protocol', 'must be tcp, udp, icmp, icmpv6 or a protocol number 1..255 (got a number: 0)'],
    ]);
    expect(errorsAfter((d) => Object.assign(d.spec.ingress.match, { protocol: 'tcp', ports: [80, '80'] }))).toEqual([
      ['spec.ingress.match.ports[1]', 'duplicate of spec.ingress.match.ports[0] (80)'],
    ]);
  });
});

describe('egress and proxy', () => {
  it('checks decap and proxy values', () => {
    expect(
      errorsAfter((d) => {
        (d.spec.egress as Record<string, unknown>).decap = 'dx4';
        (d.spec as Record<string, unknown>).proxy = 'dyn';
      }),
    ).toEqual([
      ['spec.egress.decap', "must be one of auto, dx, dt46 (got the string 'dx4'); did you mean 'dx'?"],
      ['spec.proxy', "must be one of auto, static, dynamic (got the string 'dyn'); did you mean 'dynamic'?"],
    ]);
    expect(errorsAfter((d) => ((d.spec as Record<string, unknown>).proxy = true))).toEqual([['spec.proxy', 'must be one of auto, static, dynamic (got a boolean: true)']]);
  });

  it('checks a function\'s own proxy the same way, at its path', () => {
    expect(
      errorsAfter((d) => {
        (d.spec.functions[1] as Record<string, unknown>).proxy = 'statik';
        (d.spec.functions[0] as Record<string, unknown>).proxy = 7;
      }),
    ).toEqual([
      ['spec.functions[0].proxy', 'must be one of auto, static, dynamic (got a number: 7)'],
      ['spec.functions[1].proxy', "must be one of auto, static, dynamic (got the string 'statik'); did you mean 'static'?"],
    ]);
    expect(errorsAfter((d) => ((d.spec.functions[0] as Record<string, unknown>).proxie = 'auto'))).toEqual([['spec.functions[0].proxie', "unknown field; did you mean 'proxy'?"]]);
  });

  it('accepts every proxy mode on the chain and on a function, and fills in none', () => {
    for (const mode of ['auto', 'static', 'dynamic']) {
      expect(
        errorsAfter((d) => {
          (d.spec as Record<string, unknown>).proxy = mode;
          (d.spec.functions[0] as Record<string, unknown>).proxy = mode;
        }),
      ).toEqual([]);
    }
    const r = parseChainDocuments(stringify({ ...validDocument(), spec: { ...validDocument().spec, functions: [{ name: 'mon', type: 'monitor', proxy: 'static' }, { name: 'fw', type: 'firewall' }] } }));
    expect(r.chains[0]!.spec.functions).toEqual([{ name: 'mon', type: 'monitor', proxy: 'static' }, { name: 'fw', type: 'firewall' }]);
    expect('proxy' in r.chains[0]!.spec).toBe(false);
  });
});

describe('every error at once', () => {
  it('reports all problems of all documents together, in file order, with positions, and no chain', () => {
    const text = `# two documents, many problems
apiVersion: srv6-sfc/v1alpha1
kind: ServiceChain
metadata:
  name: web
spec:
  ingress:
    node: edge1
    match:
      destinations: [10.2.0.0/24, 10.2.0.1/24]
      ports: [80]
  egress: {node: edge2, decap: dx4}
  functions:
    - name: fw
      type: fw
    - name: fw
      type: monitor
      placement: {node: fn1, nodeSelector: {role: vnf}}
  proxy: eager
---
apiVersion: srv6-sfc/v1alpha1
kind: ServiceChain
metadata: {name: web}
spec:
  ingress: {node: edge1, match: {destinations: []}}
  egress: {node: edge2}
  functions: []
  extra: 1
`;
    const r = parseChainDocuments(text, 'chains/web.yaml');
    expect(r.chains).toEqual([]);
    expect(r.errors.map(formatDocumentError)).toEqual([
      'chains/web.yaml#1:10:35: spec.ingress.match.destinations[1]: \'10.2.0.1/24\' has host bits set beyond /24 (did you mean 10.2.0.0/24?)',
      'chains/web.yaml#1:11:7: spec.ingress.match.ports: needs protocol tcp or udp: ports are matched only for them',
      "chains/web.yaml#1:12:25: spec.egress.decap: must be one of auto, dx, dt46 (got the string 'dx4'); did you mean 'dx'?",
      "chains/web.yaml#1:15:7: spec.functions[0].type: unknown function type 'fw' (one of firewall, nat, monitor, responder)",
      "chains/web.yaml#1:16:7: spec.functions[1].name: duplicate function name 'fw' (also spec.functions[0])",
      'chains/web.yaml#1:18:7: spec.functions[1].placement: give either node (pin to one node) or nodeSelector (any node with these labels), not both',
      "chains/web.yaml#1:19:3: spec.proxy: must be one of auto, static, dynamic (got the string 'eager')",
      "chains/web.yaml#2:23:12: metadata.name: duplicate chain name 'web' (also in chains/web.yaml#1)",
      'chains/web.yaml#2:25:34: spec.ingress.match.destinations: must list at least one destination prefix: an empty classifier sends no traffic into the chain',
      'chains/web.yaml#2:27:3: spec.functions: must list at least one function (a chain without functions steers traffic through nothing)',
      "chains/web.yaml#2:28:3: spec.extra: unknown field (one of ingress, egress, functions, proxy)",
    ]);
    expect(r.errors[3]).toEqual({
      file: 'chains/web.yaml',
      document: 1,
      field: 'spec.functions[0].type',
      description: "unknown function type 'fw' (one of firewall, nat, monitor, responder)",
      line: 15,
      column: 7,
    });
  });

  it('reports duplicate chain names even when the first document has other errors', () => {
    const one = (extra: string) => `apiVersion: srv6-sfc/v1alpha1\nkind: ServiceChain\nmetadata: {name: a}\nspec: {${extra}}\n`;
    const r = parseChainDocuments(`${one('')}---\n${one('')}`, 'f.yaml');
    expect(r.errors.filter((e) => e.field === 'metadata.name').map(formatDocumentError)).toEqual(["f.yaml#2:8:12: metadata.name: duplicate chain name 'a' (also in f.yaml#1)"]);
  });
});

describe('YAML problems', () => {
  it('reports syntax errors and duplicate keys with their line and column, and skips those documents', () => {
    const r = parseChainDocuments(`apiVersion: srv6-sfc/v1alpha1\napiVersion: x\n---\nkind: [a\n`, 'bad.yaml');
    expect(r.chains).toEqual([]);
    expect(r.errors.map(formatDocumentError)).toEqual([
      'bad.yaml#1:2:1: YAML: Map keys must be unique',
      expect.stringMatching(/^bad\.yaml#2:\d+:\d+: YAML: /),
    ]);
  });

  it('refuses unknown tags, values of other tags where strings belong, and merge keys', () => {
    const r = parseChainDocuments(`apiVersion: !!foo x\n`, 't.yaml');
    expect(r.errors.map(formatDocumentError)).toEqual(['t.yaml#1:1:13: YAML: Unresolved tag: tag:yaml.org,2002:foo']);
    const binary = parseChainDocuments(`apiVersion: !!binary eA==\n`);
    expect(binary.errors[0]).toMatchObject({ field: 'apiVersion', description: 'must be srv6-sfc/v1alpha1 (got a value of type Buffer)' });
    // `<<` is an ordinary (unknown) key: no document inherits fields it does not show.
    const merged = parseChainDocuments(`x: &a {kind: ServiceChain}\n<<: *a\n`);
    expect(merged.errors.map((e) => e.field)).toEqual(expect.arrayContaining(['x', '["<<"]']));
  });

  it('skips empty documents but refuses a text without any', () => {
    const doc = parseChainDocuments(`---\n# nothing\n---\n`, 'empty.yaml');
    expect(doc.errors.map(formatDocumentError)).toEqual(['empty.yaml: contains no chain document']);
    expect(parseChainDocuments('').errors.map(formatDocumentError)).toEqual(['<input>: contains no chain document']);
  });

  it('numbers documents as a reader counts them, empty ones included', () => {
    const r = parseChainDocuments(`---\n---\napiVersion: v0\n`, 'n.yaml');
    expect(r.errors[0]).toMatchObject({ document: 2, field: 'apiVersion', line: 3, column: 1 });
  });
});
