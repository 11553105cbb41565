/**
 * Where `ip netns add` must run so that the namespaces the agent names are visible outside it.
 *
 * A named namespace is a bind mount on /run/netns/NAME. `ip netns exec NODE agent` runs the agent
 * in a fresh mount namespace whose /run/netns is a *slave* of the host's (mountinfo `master:N`):
 * mounts made there never propagate back. A namespace created by such an agent is then an empty
 * file for everyone else (`ip netns exec` from the host fails with EINVAL, a lab cannot delete it,
 * and a restarted agent — a new `ip netns exec`, a new mount namespace — cannot adopt it).
 *
 * So the runtime creates and deletes namespace mounts in the mount namespace that owns the peer
 * group our /run/netns is a slave of: found by walking up our ancestors (the process that ran
 * `ip netns exec` is normally in it). Mounts made there propagate down to the agent too.
 */
import { readFileSync, readlinkSync } from 'node:fs';
import { NETNS_DIR, procStat } from './proc.js';

export interface MountEntry {
  readonly mountPoint: string;
  /** Optional fields: `shared:N`, `master:N`, `propagate_from:N`, `unbindable`. */
  readonly tags: ReadonlyMap<string, string>;
}

/** The entry that is visible at `mountPoint` (the last one mounted there), if any. */
export function mountAt(mountinfo: string, mountPoint: string): MountEntry | undefined {
  let found: MountEntry | undefined;
  for (const line of mountinfo.split('\n')) {
    const fields = line.split(' ');
    if (fields[4] !== mountPoint) continue;
    const tags = new Map<string, string>();
    for (let i = 6; i < fields.length && fields[i] !== '-'; i++) {
      const [k, v] = fields[i]!.split(':');
      tags.set(k!, v ?? '');
    }
    found = { mountPoint, tags };
  }
  return found;
}

export interface ProcessView {
  readonly ppid: (pid: number) => number | undefined;
  readonly mountinfo: (pid: number) => string | undefined;
  readonly mountNs: (pid: number) => string | undefined;
}

export type MountTarget =
  | { readonly kind: 'self' }
  | { readonly kind: 'process'; readonly pid: number }
  | { readonly kind: 'unshared'; readonly reason: string };

/**
 * Decides where namespace mounts must be made. `self`: our own mount namespace propagates (or is
 * the top); `process`: the mount namespace of that ancestor; `unshared`: none found.
 */
export function findMountTarget(self: number, view: ProcessView): MountTarget {
  const mine = view.mountinfo(self);
  const entry = mine === undefined ? undefined : mountAt(mine, NETNS_DIR);
  let master = entry?.tags.get('master');
  if (master === undefined) return { kind: 'self' };
  const selfNs = view.mountNs(self);
  let best: number | undefined;
  for (let pid = view.ppid(self), hops = 0; pid !== undefined && pid > 0 && hops < 64; pid = view.ppid(pid), hops++) {
    if (view.mountNs(pid) === undefined || view.mountNs(pid) === selfNs) continue;
    const info = view.mountinfo(pid);
    const e = info === undefined ? undefined : mountAt(info, NETNS_DIR);
    if (!e || e.tags.get('shared') !== master) continue;
    best = pid;
    const up = e.tags.get('master');
    if (up === undefined) return { kind: 'process', pid };
    master = up; // that namespace is a slave too: keep climbing towards the top of the chain
  }
  if (best !== undefined) return { kind: 'process', pid: best };
  return {
    kind: 'unshared',
    reason:
      `${NETNS_DIR} in this process's mount namespace is a slave mount (master:${entry!.tags.get('master')}) and no ancestor process owns its peer group: ` +
      'namespaces created here would be invisible to everyone else. Start the agent with `nsenter --net=/run/netns/NODE` ' +
      "(it keeps the host's mount namespace) or pass the runtime a mountNs path",
  };
}

/** The live view of /proc. Unreadable entries (another user's, pid 1 in some sandboxes) are undefined. */
export const procView: ProcessView = {
  ppid: (pid) => procStat(pid)?.ppid,
  mountinfo: (pid) => {
    try {
      return readFileSync(`/proc/${pid}/mountinfo`, 'utf8');
    } catch {
      return undefined;
    }
  },
  mountNs: (pid) => {
    try {
      return readlinkSync(`/proc/${pid}/ns/mnt`);
    } catch {
      return undefined;
    }
  },
};
