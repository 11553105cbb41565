/**
 * Just enough of bpftool, tc and ip (their behaviour and JSON) for the dynamic proxy's loader and
 * the agent's use of it, in memory. Shared by the loader's and the agent proxy's unit tests.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CommandFailed, type CommandRunner } from '../../../src/agent/proxy/dynamic/loader.js';
import { MAPS, PROGRAMS } from '../../../src/agent/proxy/dynamic/layout.js';

export interface Rule {
  family: string;
  priority: number;
  iif?: string;
  fwmark?: string;
  table: string;
}
export interface Route {
  family: string;
  table: string;
  dst: string;
}

/** Just enough of the tools' behaviour and JSON for the loader. */
export class FakeKernel {
  readonly log: string[] = [];
  readonly links = new Map([
    ['f0', 2],
    ['sfc0001o', 7],
  ]);
  readonly qdiscs = new Map<string, string>();
  readonly filters = new Map<string, { pref: number; handle: string; name: string }[]>();
  rules: Rule[] = [];
  routes: Route[] = [];
  readonly maps = new Map<string, Map<string, string>>();
  /** The batch commands run (`bpftool batch file ...`, `tc -batch ...`). */
  readonly batches: string[] = [];

  readonly run: CommandRunner = async (argv) => {
    const a = [...argv];
    const line = a.join(' ');
    const fail = (msg: string): never => {
      throw new CommandFailed(argv, msg, 1);
    };
    if (!line.includes(' -j ') && !line.startsWith('bpftool -j') && !line.includes('show')) this.log.push(line);
    if (a[0] === 'mount') return '';
    // Batches: every line through this model, in order; the first failure stops the batch (as the
    // tools do). `tc -j -batch` prints what each line printed, one after the other.
    const batchAt = a[0] === 'bpftool' ? a.indexOf('batch') : a.indexOf('-batch');
    if (batchAt > 0) {
      this.batches.push(line);
      const json = a.includes('-j');
      const force = a.includes('-force');
      const results: { command: string[]; output: unknown }[] = [];
      let out = '';
      for (const l of readFileSync(a[a[0] === 'bpftool' ? batchAt + 2 : batchAt + 1]!, 'utf8').split('\n').filter((x) => x.trim() !== '')) {
        const words = l.trim().split(/\s+/);
        let text: string;
        try {
          text = await this.run([a[0]!, ...(json ? ['-j'] : []), ...words]);
        } catch (e) {
          if (force) continue;
          throw e;
        }
        if (a[0] === 'bpftool' && json) results.push({ command: words, output: text ? (JSON.parse(text) as unknown) : null });
        else out += json ? `${text}\n` : text;
      }
      return a[0] === 'bpftool' && json ? JSON.stringify(results) : out;
    }
    if (a[0] === 'bpftool' && a[1] === 'prog' && a[2] === 'loadall') {
      mkdirSync(a[4]!, { recursive: true });
      mkdirSync(a[6]!, { recursive: true });
      for (const p of Object.values(PROGRAMS)) writeFileSync(join(a[4]!, p), '');
      for (const m of Object.values(MAPS)) {
        writeFileSync(join(a[6]!, m), '');
        this.maps.set(m, new Map());
      }
      return '';
    }
    if (a[0] === 'bpftool') {
      const j = a[1] === '-j' ? 1 : 0;
      const op = a[2 + j]!;
      const map = this.maps.get(a[4 + j]!.split('/').at(-1)!)!;
      const k = a.indexOf('key');
      const v = a.indexOf('value');
      const key = v > 0 ? a.slice(k + 2, v).join('') : a.slice(k + 2).join('');
      if (op === 'update') {
        const noexist = a.at(-1) === 'noexist';
        if (noexist && map.has(key)) fail('Error: update failed: File exists');
        map.set(key, a.slice(v + 2, noexist ? -1 : undefined).join(''));
        return '';
      }
      if (op === 'delete') return map.delete(key) ? '' : fail('Error: delete failed: No such file or directory');
      const bytes = (h: string) => (h.match(/../g) ?? []).map((x) => `0x${x}`);
      if (op === 'dump') return JSON.stringify([...map].map(([kk, vv]) => ({ key: bytes(kk), value: bytes(vv) })));
      if (map.has(key)) return JSON.stringify({ key: bytes(key), value: bytes(map.get(key)!) });
      throw new CommandFailed(argv, '', 254, 'null'); // what bpftool -j prints for a missing key
    }
    if (a[0] === 'tc') {
      if (line === 'tc -j qdisc show') return JSON.stringify([...this.qdiscs].map(([dev, kind]) => ({ kind, dev })));
      if (a[1] === '-j' && a[2] === 'qdisc') return JSON.stringify(this.qdiscs.has(a[5]!) ? [{ kind: 'clsact' }] : []);
      if (a[1] === 'qdisc' && (a[2] === 'add' || a[2] === 'replace')) {
        if (a[2] === 'add' && this.qdiscs.has(a[4]!)) fail('Error: Exclusivity flag on, cannot modify.');
        this.qdiscs.set(a[4]!, 'clsact');
        return '';
      }
      if (a[1] === 'qdisc' && a[2] === 'del') {
        if (!this.qdiscs.delete(a[4]!)) fail('Error: Cannot delete qdisc with handle of zero.');
        if (this.filters.has(a[4]!)) this.filters.set(a[4]!, []); // the filters go with clsact
        return '';
      }
      if (a[1] === '-j' && a[2] === 'filter') {
        if (!this.qdiscs.has(a[5]!)) fail('Cannot find specified qdisc');
        return JSON.stringify(a[6] === 'egress' ? [] : (this.filters.get(a[5]!) ?? []).map((f) => ({ pref: f.pref, options: { handle: f.handle, prog: { name: f.name } } })));
      }
      const dev = a[4]!;
      const mine = (this.filters.get(dev) ?? []).filter((f) => !(f.pref === Number(a[7]) && f.handle === a[9]));
      if (a[2] === 'replace') mine.push({ pref: Number(a[7]), handle: a[9]!, name: a.at(-1)!.split('/').at(-1)! });
      this.filters.set(dev, mine);
      return '';
    }
    if (a[0] === 'ip') {
      if (a[1] === '-j' && a[2] === 'link') return JSON.stringify([{ ifindex: this.links.get(a[5]!) }]);
      const j = a[1] === '-j';
      const family = a[j ? 2 : 1]!;
      const [obj, verb] = a.slice(j ? 3 : 2, j ? 5 : 4);
      if (obj === 'rule') {
        if (verb === 'show') return JSON.stringify(this.rules.filter((r) => r.family === family && (a[5] !== 'priority' || r.priority === Number(a[6]))));
        const sel = (k: string) => (a.includes(k) ? a[a.indexOf(k) + 1] : undefined);
        const r: Rule = { family, priority: Number(sel('priority')), iif: sel('iif'), fwmark: sel('fwmark')?.split('/')[0], table: sel('lookup')! };
        const same = (x: Rule) => JSON.stringify(x) === JSON.stringify(r);
        if (verb === 'add') this.rules.push(r);
        else if (this.rules.some(same)) this.rules = this.rules.filter((x) => !same(x));
        else fail('RTNETLINK answers: No such file or directory');
        return '';
      }
      const table = a[a.indexOf('table') + 1]!;
      if (verb === 'show') return JSON.stringify(this.routes.filter((r) => r.family === family && (table === 'all' || r.table === table)));
      if (verb === 'add') this.routes.push({ family, table, dst: 'default' });
      else this.routes = this.routes.filter((r) => !(r.family === family && r.table === table));
      return '';
    }
    return fail(`unexpected command ${line}`);
  };
}

