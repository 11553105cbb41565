/**
 * The dynamic SR proxy's loader (I/O): loads bpf/sr_proxy.o once per node and pins its programs
 * and maps under `<bpffs>/sfc/<node>/`, attaches the inbound program to SRv6-facing interfaces,
 * wires return legs (rule + `encap bpf` routes + map entries), adds and removes proxied SIDs,
 * reads per-leg statistics and cached headers, and removes all of it.
 *
 * It drives bpftool, tc and ip as child processes (an `encap bpf` route needs a program fd, which
 * Node cannot get from a pin without a native addon; iproute2 does). Every command goes through a
 * CommandRunner: the agent runs them in its own namespace, tests through `nsenter --net`. Files
 * (pins) are handled in the caller's mount namespace, which `nsenter --net` shares.
 *
 * Every operation is idempotent. Nothing is cached in memory that the kernel does not also hold:
 * a restarted agent finds the pins, and cleanup() finds everything from the kernel alone.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Family } from '../../../common/ip.js';
import { formatIPv6 } from '../../../common/ip.js';
import { logger } from '../../../common/logger.js';
import { DEFAULT_BPFFS, removeBpfPins } from './pins.js';
import {
  DYNAMIC_IIF_RULE_PRIORITY,
  MARK_RULE_PRIORITY,
  TC_HANDLE,
  TC_PREF,
  dynamicProxyTable,
  isDynamicProxyTable,
  legRouteAdd,
  legRouteDelete,
  legRule,
  markRule,
  tcFilterDelete,
  tcFilterReplace,
} from './commands.js';
import {
  type CachedHeader,
  type LegStats,
  type PinLayout,
  PROGRAMS,
  type ReturnHook,
  cacheKey,
  decodeCache,
  decodeStats,
  hexArgs,
  legValue,
  parseMapDump,
  pinLayout,
  sidKey,
  u32Key,
  zeroStats,
} from './layout.js';

/** Runs argv (argv[0] is the program) and resolves its stdout; rejects with a CommandFailed. */
export type CommandRunner = (argv: readonly string[]) => Promise<string>;

export class CommandFailed extends Error {
  constructor(
    readonly argv: readonly string[],
    readonly stderr: string,
    readonly code: number | string | undefined,
    readonly stdout = '',
  ) {
    super(`${argv.join(' ')}: ${stderr.trim() || `exit ${String(code)}`}`);
    this.name = 'CommandFailed';
  }
}

/** iproute2 and bpftool live in /usr/sbin, which a non-login PATH may lack. */
function toolEnv(): NodeJS.ProcessEnv {
  const parts = (process.env.PATH ?? '/usr/bin:/bin').split(':');
  for (const d of ['/usr/sbin', '/sbin', '/usr/bin', '/bin']) if (!parts.includes(d)) parts.push(d);
  return { ...process.env, PATH: parts.join(':'), LC_ALL: 'C' };
}

const log = logger('agent.dynamic-proxy');

function exec(argv: readonly string[]): Promise<string> {
  const t0 = performance.now();
  return new Promise((resolvePromise, reject) => {
    execFile(argv[0]!, argv.slice(1), { env: toolEnv(), maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      // Each command is a child process: what they cost is worth seeing (SFC_LOG_LEVEL=debug).
      log.debug('command', { argv: argv.slice(0, 6).join(' '), ms: Math.round(performance.now() - t0) });
      if (err) reject(new CommandFailed(argv, String(stderr), (err as NodeJS.ErrnoException).code, String(stdout)));
      else resolvePromise(String(stdout));
    });
  });
}

/** Commands in the caller's own network namespace (the agent runs inside its node's). */
export const localRunner: CommandRunner = exec;

/** Commands in a named network namespace, in the caller's mount namespace (so pins are shared). */
export const netnsRunner =
  (ns: string): CommandRunner =>
  (argv) =>
    exec(['nsenter', `--net=/run/netns/${ns}`, ...argv]);

/** bpf/sr_proxy.o as scripts/build-bpf.sh writes it: `$SFC_BPF_OBJECT`, else `build/bpf/` above this file. */
export function defaultObjectPath(): string {
  const env = process.env.SFC_BPF_OBJECT;
  if (env) return resolve(env);
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'build', 'bpf', 'sr_proxy.o');
    if (existsSync(candidate)) return candidate;
    const up = dirname(dir);
    if (up === dir) throw new Error('build/bpf/sr_proxy.o not found: run scripts/setup.sh (or scripts/build-bpf.sh), or set SFC_BPF_OBJECT');
    dir = up;
  }
}

export interface DynamicProxyLoaderOptions {
  /** Node name: pins go under `<bpffs>/sfc/<node>/`. */
  readonly node: string;
  /** The compiled object (default: defaultObjectPath()). */
  readonly object?: string;
  /** bpffs mount point (default /sys/fs/bpf; mounted if nothing is mounted there). */
  readonly bpffs?: string;
  readonly run?: CommandRunner;
  /** How return legs re-encapsulate (default `lwt`); see ReturnHook. Legs follow the node's choice. */
  readonly returnHook?: ReturnHook;
}

/** A function instance's leg as the proxy sees it. */
export interface ProxyLeg {
  /** Leg id = the instance's slot (0..8191): keys the cache and stats, names the table. */
  readonly id: number;
  /** Host-side device the function sends back on (its out leg, or its in leg with one leg). */
  readonly returnDev: string;
}

const FAMILIES = [4, 6] as const;

type TcFilter = { pref?: number; options?: { handle?: string; prog?: { name?: string } } };

/** Whether a `tc -j filter show` list holds our filter (pref and handle ours) running one of programs. */
const isOurFilter = (filters: readonly TcFilter[], programs: readonly string[]): boolean =>
  filters.some((f) => f.pref === TC_PREF && Number(f.options?.handle) === TC_HANDLE && programs.includes(f.options?.prog?.name ?? ''));

/** `map delete pinned PIN key hex ..` (bpftool's arguments, without the program name). */
const mapDeleteArgs = (pin: string, key: Buffer): string[] => ['map', 'delete', 'pinned', pin, 'key', ...hexArgs(key)];

/** `map update pinned PIN key hex .. value hex ..` (bpftool's arguments, without the program name). */
const mapUpdateArgs = (pin: string, key: Buffer, value: Buffer): string[] => ['map', 'update', 'pinned', pin, 'key', ...hexArgs(key), 'value', ...hexArgs(value)];

/** Consecutive JSON values (what `tc -j -batch` prints: one array per command) parsed in order. */
export function splitJsonValues(text: string): unknown[] {
  const out: unknown[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '[' || c === '{') {
      if (depth++ === 0) start = i;
    } else if (c === ']' || c === '}') {
      if (--depth === 0) out.push(JSON.parse(text.slice(start, i + 1)));
    }
  }
  return out;
}

/** bpftool's "no such key" (as text on stderr; with -j, only `null` on stdout). */
const isMissing = (e: unknown): boolean =>
  e instanceof CommandFailed && (/No such file|not found|ENOENT/i.test(e.stderr) || e.stdout.trim() === 'null');

export class DynamicProxyLoader {
  readonly pins: PinLayout;
  readonly object: string | undefined;
  private readonly bpffs: string;
  private readonly run: CommandRunner;
  readonly returnHook: ReturnHook;
  /** True once this loader loaded the programs afresh: existing routes then point at stale programs. */
  private reloaded = false;
  private readonly node: string;

  constructor(opts: DynamicProxyLoaderOptions) {
    this.node = opts.node;
    this.bpffs = opts.bpffs ?? DEFAULT_BPFFS;
    this.pins = pinLayout(this.bpffs, opts.node);
    this.object = opts.object;
    this.run = opts.run ?? localRunner;
    this.returnHook = opts.returnHook ?? 'lwt';
  }

  /** Loads and pins the programs and maps unless they are pinned already; with the lwt hook, installs the shared mark rule. */
  async load(): Promise<'loaded' | 'present'> {
    await this.ensureBpffs();
    let result: 'loaded' | 'present' = 'present';
    if (!this.pinned()) {
      // A partial pin directory (an interrupted load) is removed first: loadall refuses to overwrite.
      rmSync(this.pins.dir, { recursive: true, force: true });
      mkdirSync(this.pins.dir, { recursive: true });
      await this.run(['bpftool', 'prog', 'loadall', this.object ?? defaultObjectPath(), this.pins.progDir, 'pinmaps', this.pins.mapDir]);
      this.reloaded = true;
      result = 'loaded';
    }
    if (this.returnHook === 'lwt') await this.ensureMarkRule();
    return result;
  }

  /** Whether both programs and every map are pinned. */
  pinned(): boolean {
    return [...Object.values(this.pins.programs), ...Object.values(this.pins.maps)].every((p) => existsSync(p));
  }

  /** Attaches the inbound program to dev's tc ingress (creating clsact if needed); re-attaching replaces. */
  async attach(dev: string): Promise<void> {
    await this.attachProgram(dev, this.pins.programs.inbound);
  }

  private async attachProgram(dev: string, pin: string): Promise<void> {
    const qdiscs = JSON.parse(await this.run(['tc', '-j', 'qdisc', 'show', 'dev', dev])) as { kind?: string }[];
    if (!qdiscs.some((q) => q.kind === 'clsact')) await this.run(['tc', 'qdisc', 'add', 'dev', dev, 'clsact']);
    await this.run(tcFilterReplace(dev, pin));
  }

  /** Removes our filter (either program) from dev, and clsact when nothing else uses it; false when it was not there. */
  async detach(dev: string): Promise<boolean> {
    if ((await this.attachedTo(dev, 'any')) === false) return false;
    await this.run(tcFilterDelete(dev));
    const left = await Promise.all((['ingress', 'egress'] as const).map(async (d) => JSON.parse(await this.run(['tc', '-j', 'filter', 'show', 'dev', dev, d])) as unknown[]));
    if (left.every((l) => l.length === 0)) await this.run(['tc', 'qdisc', 'del', 'dev', dev, 'clsact']).catch(() => undefined);
    return true;
  }

  /** Whether dev's ingress holds our filter (pref and handle ours) with `program` (default sfc_proxy_in). */
  async attachedTo(dev: string, program: string = PROGRAMS.inbound): Promise<boolean> {
    const ours = program === 'any' ? [PROGRAMS.inbound, PROGRAMS.returnTc] : [program];
    let filters: TcFilter[];
    try {
      filters = JSON.parse(await this.run(['tc', '-j', 'filter', 'show', 'dev', dev, 'ingress'])) as TcFilter[];
    } catch {
      return false; // no clsact, or no such device
    }
    return isOurFilter(filters, ours);
  }

  /**
   * Wires a return leg: sfc_legs[ifindex] = leg, a zeroed stats entry (kept if present), and the
   * return hook: `lwt`: `ip rule iif <dev> lookup T` with T's `default encap bpf in pinned
   * sfc_proxy_ret` per family; `tc`: sfc_proxy_out on the leg's clsact ingress. What the other hook
   * left on the leg is removed. Call again after the leg's device was re-created (new ifindex).
   */
  async addLeg(leg: ProxyLeg): Promise<void> {
    const ifindex = await this.ifindex(leg.returnDev);
    await this.mapUpdate(this.pins.maps.legs, u32Key(ifindex), legValue(leg.id));
    await this.run(['bpftool', 'map', 'update', 'pinned', this.pins.maps.stats, 'key', ...hexArgs(u32Key(leg.id)), 'value', ...hexArgs(zeroStats()), 'noexist']).catch((e: unknown) => {
      if (!(e instanceof CommandFailed && /exists/i.test(e.stderr))) throw e;
    });
    if (this.returnHook === 'tc') {
      await this.removeLegRouting(leg);
      await this.attachProgram(leg.returnDev, this.pins.programs.returnTc);
      return;
    }
    if (await this.attachedTo(leg.returnDev, PROGRAMS.returnTc)) await this.detach(leg.returnDev);
    const table = dynamicProxyTable(leg.id);
    for (const family of FAMILIES) {
      const present = await this.hasDefault(family, table);
      // `ip route replace` with the same program name keeps the old program: delete, then add.
      if (present && !this.reloaded) continue;
      if (present) await this.run(legRouteDelete(family, table));
      await this.run(legRouteAdd(family, table, leg.returnDev, this.pins.programs.return));
    }
    for (const family of FAMILIES) {
      if (!(await this.hasLegRule(family, leg.returnDev, table))) await this.run(legRule('add', family, leg.returnDev, table));
    }
  }

  /**
   * Wires many return legs of the `tc` hook in two processes (what an apply that spawns instances
   * needs; one child process per step cost ~100 ms per instance): one `bpftool batch` writes every
   * sfc_legs entry and a zeroed stats entry, one `tc -batch` makes clsact and the return filter on
   * every leg (`qdisc replace` is idempotent for clsact, `filter replace` re-attaches). The caller
   * gives the ifindexes (it listed the links) and knows the legs carry nothing of the lwt hook.
   */
  async addTcLegs(legs: readonly (ProxyLeg & { readonly ifindex: number })[]): Promise<void> {
    if (legs.length === 0) return;
    if (this.returnHook !== 'tc') throw new Error('addTcLegs: the loader uses the lwt return hook');
    await this.batch(
      'bpftool',
      legs.flatMap((l) => [mapUpdateArgs(this.pins.maps.legs, u32Key(l.ifindex), legValue(l.id)), mapUpdateArgs(this.pins.maps.stats, u32Key(l.id), zeroStats())]),
    );
    await this.batch(
      'tc',
      legs.flatMap((l) => [['qdisc', 'replace', 'dev', l.returnDev, 'clsact'], tcFilterReplace(l.returnDev, this.pins.programs.returnTc).slice(1)]),
    );
  }

  /**
   * Unwires many return legs of the `tc` hook: clsact (and so the return filter) off each leg in
   * one `tc -force -batch` (a leg whose device is gone has nothing left there), then the legs'
   * sfc_legs, stats and cache entries that exist (one dump batch) deleted in one `bpftool batch`.
   */
  async removeTcLegs(legs: readonly ProxyLeg[]): Promise<void> {
    if (legs.length === 0) return;
    await this.batch('tc', legs.map((l) => ['qdisc', 'del', 'dev', l.returnDev, 'clsact']), { force: true }).catch(() => undefined);
    if (!this.pinned()) return;
    const ids = new Set(legs.map((l) => l.id));
    const [legEntries, stats, cache] = await this.dumpMaps([this.pins.maps.legs, this.pins.maps.stats, this.pins.maps.cache]);
    const lines = [
      ...legEntries!.filter((e) => ids.has(e.values[0]!.readUInt32LE(0))).map((e) => mapDeleteArgs(this.pins.maps.legs, e.key)),
      ...stats!.filter((e) => ids.has(e.key.readUInt32LE(0))).map((e) => mapDeleteArgs(this.pins.maps.stats, e.key)),
      ...cache!.filter((e) => ids.has(e.key.readUInt32LE(0))).map((e) => mapDeleteArgs(this.pins.maps.cache, e.key)),
    ];
    await this.batch('bpftool', lines);
  }

  /** Stops proxying many SIDs in one `bpftool batch`; each must be in sfc_sids (a batch stops at a missing key). */
  async removeSids(sids: readonly string[]): Promise<void> {
    await this.batch(
      'bpftool',
      sids.map((sid) => mapDeleteArgs(this.pins.maps.sids, sidKey(sid))),
    );
  }

  /** Several maps dumped by one `bpftool -j batch` (its JSON: one {command, output} per line). */
  private async dumpMaps(pins: readonly string[]): Promise<ReturnType<typeof parseMapDump>[]> {
    const out = JSON.parse(await this.batch('bpftool', pins.map((p) => ['map', 'dump', 'pinned', p]), { json: true })) as { output?: unknown }[];
    return pins.map((_, i) => parseMapDump(JSON.stringify(out[i]?.output ?? [])));
  }

  /** Proxies many SIDs in one `bpftool batch` (see addSid). */
  async addSids(entries: readonly { readonly sid: string; readonly leg: number }[]): Promise<void> {
    await this.batch(
      'bpftool',
      entries.map((e) => mapUpdateArgs(this.pins.maps.sids, sidKey(e.sid), legValue(e.leg))),
    );
  }

  /**
   * Which of devs hold our filter with `program` (attachedTo for many, in one `tc -j -batch`: it
   * prints one JSON array per `filter show`, in order). Devices must exist: tc stops at a missing one.
   */
  async attachedToMany(devs: readonly string[], program: string = PROGRAMS.inbound): Promise<Map<string, boolean>> {
    const out = new Map<string, boolean>();
    if (devs.length === 0) return out;
    let arrays: unknown[];
    try {
      arrays = splitJsonValues(await this.batch('tc', devs.map((d) => ['filter', 'show', 'dev', d, 'ingress']), { json: true }));
    } catch {
      // A device vanished meanwhile (or clsact is missing somewhere): ask one by one.
      for (const d of devs) out.set(d, await this.attachedTo(d, program));
      return out;
    }
    devs.forEach((d, i) => out.set(d, isOurFilter((arrays[i] ?? []) as TcFilter[], [program])));
    return out;
  }

  /**
   * Runs lines (argv without the program name) through one `bpftool batch file` or `tc -batch`.
   * `json`: -j (tc: one array per line; bpftool: one array of {command, output}); `force` (tc):
   * go on after a failing line.
   */
  private async batch(tool: 'bpftool' | 'tc', lines: readonly (readonly string[])[], opts: { readonly json?: boolean; readonly force?: boolean } = {}): Promise<string> {
    if (lines.length === 0) return tool === 'bpftool' && opts.json ? '[]' : '';
    const dir = mkdtempSync(join(tmpdir(), 'sfc-batch-'));
    const file = join(dir, tool);
    try {
      writeFileSync(file, `${lines.map((l) => l.join(' ')).join('\n')}\n`);
      const flags = [...(opts.json ? ['-j'] : []), ...(opts.force && tool === 'tc' ? ['-force'] : [])];
      return await this.run(tool === 'tc' ? ['tc', ...flags, '-batch', file] : ['bpftool', ...flags, 'batch', 'file', file]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  /** Unwires a leg: its hook (either), its sfc_legs entries (whatever ifindex), stats and cached headers. */
  async removeLeg(leg: ProxyLeg): Promise<void> {
    await this.removeLegRouting(leg);
    await this.detach(leg.returnDev);
    if (!this.pinned()) return;
    for (const e of parseMapDump(await this.run(['bpftool', '-j', 'map', 'dump', 'pinned', this.pins.maps.legs]))) {
      if (e.values[0]!.readUInt32LE(0) === leg.id) await this.mapDelete(this.pins.maps.legs, e.key);
    }
    await this.mapDelete(this.pins.maps.stats, u32Key(leg.id));
    for (const family of FAMILIES) await this.mapDelete(this.pins.maps.cache, cacheKey(leg.id, family));
  }

  /** sfc_legs: return-leg ifindex → leg id (several ifindexes of one leg after its device was re-created). */
  async legEntries(): Promise<Map<number, number>> {
    const dump = parseMapDump(await this.run(['bpftool', '-j', 'map', 'dump', 'pinned', this.pins.maps.legs]));
    return new Map(dump.map((e) => [e.key.readUInt32LE(0), e.values[0]!.readUInt32LE(0)]));
  }

  /** Removes one sfc_legs entry (a leg's device that is gone); false when it was not there. */
  async removeLegEntry(ifindex: number): Promise<boolean> {
    return this.mapDelete(this.pins.maps.legs, u32Key(ifindex));
  }

  /** Proxies sid (an End.DX4 or End.DX6 SID of this node) for leg: inbound packets to it are cached for the leg. */
  async addSid(sid: string, legId: number): Promise<void> {
    await this.mapUpdate(this.pins.maps.sids, sidKey(sid), legValue(legId));
  }

  async removeSid(sid: string): Promise<boolean> {
    return this.mapDelete(this.pins.maps.sids, sidKey(sid));
  }

  /** Proxied SIDs and their legs. */
  async sids(): Promise<Map<string, number>> {
    const dump = parseMapDump(await this.run(['bpftool', '-j', 'map', 'dump', 'pinned', this.pins.maps.sids]));
    return new Map(dump.map((e) => [formatIPv6(e.key), e.values[0]!.readUInt32LE(0)]));
  }

  /** Per-leg statistics, summed over CPUs. */
  async stats(): Promise<Map<number, LegStats>> {
    const dump = parseMapDump(await this.run(['bpftool', '-j', 'map', 'dump', 'pinned', this.pins.maps.stats]));
    return new Map(dump.map((e) => [e.key.readUInt32LE(0), decodeStats(e.values)]));
  }

  /** The header cached for (leg, inner family), or undefined before the first packet. */
  async cached(legId: number, family: Family): Promise<CachedHeader | undefined> {
    let out: string;
    try {
      out = await this.run(['bpftool', '-j', 'map', 'lookup', 'pinned', this.pins.maps.cache, 'key', ...hexArgs(cacheKey(legId, family))]);
    } catch (e) {
      if (isMissing(e)) return undefined;
      throw e;
    }
    const parsed = JSON.parse(out) as { value?: unknown } | null;
    if (!parsed?.value) return undefined;
    return decodeCache(parseMapDump(JSON.stringify([parsed]))[0]!.values[0]!);
  }

  /**
   * Removes everything this node's proxy made, found from the kernel alone: our tc filters (on
   * every device with clsact: interfaces and return legs), the legs' rules and routes (tables 0x53c04000 + slot), the mark
   * rule, and the pins. The bpffs mount stays (it is the system's). Idempotent.
   */
  async cleanup(): Promise<void> {
    const qdiscs = JSON.parse(await this.run(['tc', '-j', 'qdisc', 'show'])) as { kind?: string; dev?: string }[];
    for (const dev of new Set(qdiscs.filter((q) => q.kind === 'clsact' && q.dev).map((q) => q.dev!))) await this.detach(dev);
    for (const family of FAMILIES) {
      const rules = JSON.parse(await this.run(['ip', '-j', `-${family}`, 'rule', 'show'])) as { priority?: number; iif?: string; table?: string }[];
      for (const r of rules) {
        if (r.priority === DYNAMIC_IIF_RULE_PRIORITY && r.iif && isDynamicProxyTable(Number(r.table))) await this.run(legRule('del', family, r.iif, Number(r.table)));
      }
      const routes = JSON.parse(await this.run(['ip', '-j', `-${family}`, 'route', 'show', 'table', 'all'])) as { dst?: string; table?: string }[];
      for (const t of new Set(routes.map((r) => Number(r.table)).filter(isDynamicProxyTable))) await this.run(['ip', `-${family}`, 'route', 'flush', 'table', String(t)]);
    }
    if (await this.hasMarkRule()) await this.run(markRule('del'));
    removeBpfPins(this.node, this.bpffs);
    this.reloaded = false;
  }

  /** The lwt hook's rule and routes of a leg, if present. */
  private async removeLegRouting(leg: ProxyLeg): Promise<void> {
    const table = dynamicProxyTable(leg.id);
    for (const family of FAMILIES) {
      if (await this.hasLegRule(family, leg.returnDev, table)) await this.run(legRule('del', family, leg.returnDev, table));
      if (await this.hasDefault(family, table)) await this.run(legRouteDelete(family, table));
    }
  }

  private async ensureBpffs(): Promise<void> {
    const mounts = readFileSync('/proc/self/mountinfo', 'utf8').split('\n');
    // mountinfo: id parent major:minor root mountpoint options ... - fstype source superoptions
    const isBpf = mounts.some((l) => {
      const [pre, post] = l.split(' - ');
      return pre?.split(' ')[4] === this.bpffs && post?.split(' ')[0] === 'bpf';
    });
    if (!isBpf) {
      mkdirSync(this.bpffs, { recursive: true });
      await this.run(['mount', '-t', 'bpf', 'bpf', this.bpffs]);
    }
  }

  private async ensureMarkRule(): Promise<void> {
    if (!(await this.hasMarkRule())) await this.run(markRule('add'));
  }

  private async hasMarkRule(): Promise<boolean> {
    const rules = JSON.parse(await this.run(['ip', '-j', '-6', 'rule', 'show', 'priority', String(MARK_RULE_PRIORITY)])) as { fwmark?: string }[];
    return rules.some((r) => r.fwmark !== undefined);
  }

  private async hasLegRule(family: Family, iif: string, table: number): Promise<boolean> {
    const rules = JSON.parse(await this.run(['ip', '-j', `-${family}`, 'rule', 'show', 'priority', String(DYNAMIC_IIF_RULE_PRIORITY)])) as { iif?: string; table?: string }[];
    return rules.some((r) => r.iif === iif && Number(r.table) === table);
  }

  private async hasDefault(family: Family, table: number): Promise<boolean> {
    try {
      const routes = JSON.parse(await this.run(['ip', '-j', `-${family}`, 'route', 'show', 'table', String(table)])) as { dst?: string }[];
      return routes.some((r) => r.dst === 'default');
    } catch {
      return false;
    }
  }

  private async ifindex(dev: string): Promise<number> {
    const links = JSON.parse(await this.run(['ip', '-j', 'link', 'show', 'dev', dev])) as { ifindex?: number }[];
    const i = links[0]?.ifindex;
    if (i === undefined) throw new Error(`no ifindex for ${dev}`);
    return i;
  }

  private async mapUpdate(pin: string, key: Buffer, value: Buffer): Promise<void> {
    await this.run(['bpftool', ...mapUpdateArgs(pin, key, value)]);
  }

  private async mapDelete(pin: string, key: Buffer): Promise<boolean> {
    try {
      await this.run(['bpftool', 'map', 'delete', 'pinned', pin, 'key', ...hexArgs(key)]);
      return true;
    } catch (e) {
      if (isMissing(e)) return false;
      throw e;
    }
  }
}
