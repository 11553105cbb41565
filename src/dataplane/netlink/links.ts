/** Interface name <-> index table of the socket's namespace, refreshed on a miss. */
import { attrU32 } from '../seg6/attrs.js';
import { parseAttrs, readString } from '../seg6/attrs.js';
import { AF_UNSPEC, IFLA_IFNAME, RTM_GETLINK } from '../seg6/constants.js';
import type { LinkNames } from '../seg6/encap.js';
import type { Link } from '../dataplane.js';
import type { RtnlSocket } from './rtnl-socket.js';

export class UnknownLinkError extends Error {}

export class LinkTable implements LinkNames {
  private byName = new Map<string, number>();
  private byIndex = new Map<number, string>();

  constructor(private readonly sock: RtnlSocket) {}

  async refresh(): Promise<Link[]> {
    const ifinfo = Buffer.alloc(16);
    ifinfo[0] = AF_UNSPEC;
    const msgs = await this.sock.dump({ type: RTM_GETLINK, flags: 0, header: ifinfo, attrs: [attrU32(29 /* IFLA_EXT_MASK */, 0)] });
    const links: Link[] = [];
    for (const m of msgs) {
      if (m.body.length < 16) continue;
      const index = m.body.readInt32LE(4);
      const name = readString(parseAttrs(m.body, 16).get(IFLA_IFNAME));
      if (name !== undefined) links.push({ index, name });
    }
    this.byName = new Map(links.map((l) => [l.name, l.index]));
    this.byIndex = new Map(links.map((l) => [l.index, l.name]));
    return links;
  }

  /** Makes sure every name is known (one refresh at most); throws naming the missing ones. */
  async ensure(names: Iterable<string>): Promise<void> {
    const missing = [...names].filter((n) => !this.byName.has(n));
    if (missing.length === 0) return;
    await this.refresh();
    const still = missing.filter((n) => !this.byName.has(n));
    if (still.length > 0) throw new UnknownLinkError(`unknown interface ${[...new Set(still)].join(', ')}`);
  }

  index(name: string): number {
    const i = this.byName.get(name);
    if (i === undefined) throw new UnknownLinkError(`unknown interface ${name}`);
    return i;
  }

  name(index: number): string {
    return this.byIndex.get(index) ?? `if${index}`;
  }

  hasIndex(index: number): boolean {
    return this.byIndex.has(index);
  }
}
