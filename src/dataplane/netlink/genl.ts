/**
 * Generic netlink, just enough for the SEG6 family (include/uapi/linux/seg6_genl.h): the
 * per-namespace tunnel source, as `ip sr tunsrc set/show` does.
 * genlmsghdr: u8 cmd, u8 version, u16 reserved.
 */
import { formatIPv6, parseIPv6 } from '../../common/ip.js';
import { attrBytes, attrString, parseAttrs, readU16 } from '../seg6/attrs.js';
import { SEG6_ATTR_DST, SEG6_CMD_GET_TUNSRC, SEG6_CMD_SET_TUNSRC } from '../seg6/constants.js';
import { NETLINK_GENERIC, RtnlSocket } from './rtnl-socket.js';

const GENL_ID_CTRL = 0x10;
const CTRL_CMD_GETFAMILY = 3;
const CTRL_ATTR_FAMILY_ID = 1;
const CTRL_ATTR_FAMILY_NAME = 2;

const genlHeader = (cmd: number, version = 1): Buffer => Buffer.from([cmd, version, 0, 0]);

export class Seg6Genl {
  private readonly sock = new RtnlSocket(NETLINK_GENERIC);
  private familyId?: number;

  private async family(): Promise<number> {
    if (this.familyId !== undefined) return this.familyId;
    const reply = await this.sock.request(
      { type: GENL_ID_CTRL, flags: 0, header: genlHeader(CTRL_CMD_GETFAMILY), attrs: [attrString(CTRL_ATTR_FAMILY_NAME, 'SEG6')] },
      true,
    );
    const id = readU16(parseAttrs(reply[0]!.body, 4).get(CTRL_ATTR_FAMILY_ID));
    if (id === undefined) throw new Error('SEG6 generic netlink family not found (is IPv6 segment routing built in?)');
    this.familyId = id;
    return id;
  }

  async setTunnelSource(address: string): Promise<void> {
    const type = await this.family();
    await this.sock.request({ type, flags: 0, header: genlHeader(SEG6_CMD_SET_TUNSRC), attrs: [attrBytes(SEG6_ATTR_DST, parseIPv6(address))] });
  }

  async getTunnelSource(): Promise<string> {
    const type = await this.family();
    const reply = await this.sock.request({ type, flags: 0, header: genlHeader(SEG6_CMD_GET_TUNSRC), attrs: [] }, true);
    const dst = parseAttrs(reply[0]!.body, 4).get(SEG6_ATTR_DST);
    return dst ? formatIPv6(dst) : '::';
  }

  close(): void {
    this.sock.close();
  }
}
