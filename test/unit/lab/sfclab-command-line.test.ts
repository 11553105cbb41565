import { describe, expect, it } from 'vitest';
import { parseLabArgs } from '../../../src/lab/sfclab/command-line.js';

const none = () => undefined;

describe('sfclab command line', () => {
  it('parses each command with containerlab-style flags', () => {
    expect(parseLabArgs(['deploy', '-t', 'a.clab.yml'], none)).toEqual({ ok: true, command: { kind: 'deploy', topo: 'a.clab.yml', reconfigure: false } });
    expect(parseLabArgs(['deploy', '--topo=a.clab.yml', '--reconfigure'], none)).toEqual({ ok: true, command: { kind: 'deploy', topo: 'a.clab.yml', reconfigure: true } });
    expect(parseLabArgs(['destroy', '-t', 'a.yml'], none)).toEqual({ ok: true, command: { kind: 'destroy', topo: 'a.yml' } });
    expect(parseLabArgs(['inspect', '-t', 'a.yml', '-f', 'json'], none)).toEqual({ ok: true, command: { kind: 'inspect', topo: 'a.yml', format: 'json' } });
    expect(parseLabArgs(['exec', '-t', 'a.yml', '--node', 'fn1', '--node', 'fn2', '--cmd', 'ip -6 route'], none)).toEqual({
      ok: true,
      command: { kind: 'exec', topo: 'a.yml', nodes: ['fn1', 'fn2'], cmd: 'ip -6 route' },
    });
    expect(parseLabArgs(['graph', '-t', 'a.yml', '-f', 'svg', '-o', 'x.svg'], none)).toEqual({ ok: true, command: { kind: 'graph', topo: 'a.yml', format: 'svg', out: 'x.svg' } });
  });

  it('takes the only *.clab.yml of the current directory when -t is missing', () => {
    expect(parseLabArgs(['inspect'], () => 'demo.clab.yml')).toEqual({ ok: true, command: { kind: 'inspect', topo: 'demo.clab.yml', format: 'table' } });
  });

  it('help in any form', () => {
    expect(parseLabArgs([], none)).toEqual({ ok: true, command: { kind: 'help' } });
    expect(parseLabArgs(['deploy', '--help'], none)).toEqual({ ok: true, command: { kind: 'help' } });
  });

  it('reports every problem at once, naming the flag', () => {
    const r = parseLabArgs(['exec', '--bogus', '-f', 'json', '--node'], none);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems).toEqual([
      '--bogus: unknown flag (see sfclab --help)',
      '--node: needs a value',
      '--format: not a flag of exec',
      '--topo: is required (no single *.clab.yml in the current directory)',
      '--cmd: is required',
    ]);
  });

  it('refuses unknown commands and bad formats', () => {
    expect(parseLabArgs(['up'], none)).toEqual({ ok: false, problems: ["unknown command 'up' (commands: deploy, destroy, inspect, exec, graph)"] });
    expect(parseLabArgs(['graph', '-t', 'a', '-f', 'png'], none)).toEqual({ ok: false, problems: ["--format: 'png' is not html, svg or dot"] });
    expect(parseLabArgs(['inspect', '-t', 'a', '-t', 'b'], none)).toEqual({ ok: false, problems: ['--topo: given 2 times'] });
  });
});
