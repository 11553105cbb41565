/*
 * Kernel uapi numbers, grouped by the header that defines them (Linux 6.18).
 * Never renumber: these are wire values.
 */

// include/uapi/linux/netlink.h
export const NLM_F_REQUEST = 0x01;
export const NLM_F_MULTI = 0x02;
export const NLM_F_ACK = 0x04;
export const NLM_F_ROOT = 0x100;
export const NLM_F_MATCH = 0x200;
export const NLM_F_DUMP = NLM_F_ROOT | NLM_F_MATCH;
export const NLM_F_REPLACE = 0x100;
export const NLM_F_EXCL = 0x200;
export const NLM_F_CREATE = 0x400;
export const NLMSG_ERROR = 2;
export const NLMSG_DONE = 3;
export const NLA_F_NESTED = 0x8000;
export const NLA_TYPE_MASK = 0x3fff;

// include/uapi/linux/rtnetlink.h
export const RTM_NEWLINK = 16;
export const RTM_GETLINK = 18;
export const RTM_NEWROUTE = 24;
export const RTM_DELROUTE = 25;
export const RTM_GETROUTE = 26;
export const RTM_NEWRULE = 32;
export const RTM_DELRULE = 33;
export const RTM_GETRULE = 34;
export const RTM_NEWNEXTHOP = 104;
export const RTM_DELNEXTHOP = 105;
export const RTM_GETNEXTHOP = 106;
export const RTM_F_FIB_MATCH = 0x2000;

export const RTA_DST = 1;
export const RTA_SRC = 2;
export const RTA_OIF = 4;
export const RTA_GATEWAY = 5;
export const RTA_PRIORITY = 6;
export const RTA_TABLE = 15;
export const RTA_VIA = 18;
export const RTA_ENCAP_TYPE = 21;
export const RTA_ENCAP = 22;
export const RTA_PREF = 20;
export const RTA_NH_ID = 30;

export const RTN_UNICAST = 1;
export const RTN_LOCAL = 2;
export const RTN_BLACKHOLE = 6;
export const RTN_UNREACHABLE = 7;
export const RTN_PROHIBIT = 8;

export const RT_SCOPE_UNIVERSE = 0;
export const RT_SCOPE_LINK = 253;
export const RT_SCOPE_HOST = 254;
export const RT_TABLE_UNSPEC = 0;
export const RT_TABLE_COMPAT = 252;
export const RT_TABLE_DEFAULT = 253;
export const RT_TABLE_MAIN = 254;
export const RT_TABLE_LOCAL = 255;

export const AF_INET = 2;
export const AF_INET6 = 10;
export const AF_UNSPEC = 0;

// include/uapi/linux/if_link.h
export const IFLA_IFNAME = 3;

// include/uapi/linux/lwtunnel.h
export const LWTUNNEL_ENCAP_SEG6 = 5;
export const LWTUNNEL_ENCAP_BPF = 6;
export const LWTUNNEL_ENCAP_SEG6_LOCAL = 7;

// include/uapi/linux/seg6_iptunnel.h
export const SEG6_IPTUNNEL_SRH = 1;

// include/uapi/linux/seg6.h
export const IPV6_SRCRT_TYPE_4 = 4;
export const SR6_FLAG1_HMAC = 0x08;
export const SR6_TLV_HMAC = 5;

// include/uapi/linux/seg6_local.h
export const SEG6_LOCAL_ACTION = 1;
export const SEG6_LOCAL_SRH = 2;
export const SEG6_LOCAL_TABLE = 3;
export const SEG6_LOCAL_NH4 = 4;
export const SEG6_LOCAL_NH6 = 5;
export const SEG6_LOCAL_IIF = 6;
export const SEG6_LOCAL_OIF = 7;
export const SEG6_LOCAL_BPF = 8;
export const SEG6_LOCAL_VRFTABLE = 9;
export const SEG6_LOCAL_COUNTERS = 10;
export const SEG6_LOCAL_FLAVORS = 11;

export const SEG6_LOCAL_BPF_PROG = 1;
export const SEG6_LOCAL_BPF_PROG_NAME = 2;

export const SEG6_LOCAL_CNT_PAD = 1;
export const SEG6_LOCAL_CNT_PACKETS = 2;
export const SEG6_LOCAL_CNT_BYTES = 3;
export const SEG6_LOCAL_CNT_ERRORS = 4;

export const SEG6_LOCAL_FLV_OPERATION = 1;
export const SEG6_LOCAL_FLV_LCBLOCK_BITS = 2;
export const SEG6_LOCAL_FLV_LCNODE_FN_BITS = 3;
export const SEG6_LOCAL_FLV_OP_PSP = 1;
export const SEG6_LOCAL_FLV_OP_USP = 2;
export const SEG6_LOCAL_FLV_OP_USD = 3;
export const SEG6_LOCAL_FLV_OP_NEXT_CSID = 4;

// include/uapi/linux/nexthop.h
export const NHA_ID = 1;
export const NHA_GROUP = 2;
export const NHA_BLACKHOLE = 4;
export const NHA_OIF = 5;
export const NHA_GATEWAY = 6;
export const NHA_ENCAP_TYPE = 7;
export const NHA_ENCAP = 8;

// include/uapi/linux/fib_rules.h
export const FRA_DST = 1;
export const FRA_SRC = 2;
export const FRA_IIFNAME = 3;
export const FRA_PRIORITY = 6;
export const FRA_FWMARK = 10;
export const FRA_TABLE = 15;
export const FRA_FWMASK = 16;
export const FRA_OIFNAME = 17;
export const FRA_PROTOCOL = 21;
export const FRA_IP_PROTO = 22;
export const FRA_SPORT_RANGE = 23;
export const FRA_DPORT_RANGE = 24;
export const FR_ACT_TO_TBL = 1;

// include/uapi/linux/seg6_genl.h
export const SEG6_CMD_SET_TUNSRC = 3;
export const SEG6_CMD_GET_TUNSRC = 4;
export const SEG6_ATTR_DST = 1;
