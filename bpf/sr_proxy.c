// SPDX-License-Identifier: (GPL-2.0-only OR Apache-2.0)
/*
 * srv6-sfc dynamic SR proxy (End.AD semantics) for SR-unaware functions, on the stock kernel's
 * End.DX4 / End.DX6. Three programs, maps and pins described in docs/dynamic-proxy.md:
 *
 * sfc_proxy_in (tc ingress, clsact, on the node's SRv6-facing interfaces): a packet whose IPv6 DA
 *   is a proxied SID (sfc_sids) gets End processing on a copy of its outer IPv6 header + SRH
 *   (SL-1, DA = next segment), which is cached for the SID's leg and the inner family
 *   (sfc_cache, whole-value update, only when it changed). The packet itself keeps its DA and gets
 *   SL 0, so the SID's stock End.DX4/End.DX6 route decapsulates it into the function.
 *
 * sfc_proxy_ret (lwt_in, `ip route ... encap bpf in pinned ...` in the return leg's table,
 *   reached by `ip rule iif <return leg>`): pushes the leg's cached header back in front of what
 *   the function sent (BPF_LWT_ENCAP_IP: ENCAP_SEG6 cannot carry IPv4), with payload length,
 *   next header (4 / 41), traffic class and flow label rebuilt from the inner packet, marks the
 *   packet and returns BPF_LWT_REROUTE. When the new DA is another proxied SID of this node, its
 *   inbound step runs here (a rerouted packet does not pass tc ingress again), so two functions
 *   on one node chain without leaving it.
 *
 * sfc_proxy_out (tc ingress on the return leg): the same return step without lwt, keeping GSO
 *   packets GSO (bpf_skb_adjust_room with an L3 encap flag), so the function's legs keep TSO/GSO.
 *   The agent chooses one return hook per node (docs/dynamic-proxy.md).
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "sr_proxy.h"

#ifndef IPPROTO_ROUTING
#define IPPROTO_ROUTING 43
#endif
#define SRH_TYPE_SEGMENT 4

/* Offsets in the outer header (IPv6 at 0, SRH at 40). */
#define OFF_IP6_PLEN 4
#define OFF_IP6_NEXTHDR 6
#define OFF_IP6_DA 24
#define OFF_SRH_NEXTHDR 40
#define OFF_SRH_HDRLEN 41
#define OFF_SRH_TYPE 42
#define OFF_SRH_SL 43
#define OFF_SRH_LAST 44
#define OFF_SRH_SEGS 48

struct sfc_sid_key {
	__u8 addr[16];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, SFC_MAX_SIDS);
	__type(key, struct sfc_sid_key);
	__type(value, struct sfc_sid);
} sfc_sids SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, SFC_MAX_LEGS);
	__type(key, __u32);
	__type(value, struct sfc_leg);
} sfc_legs SEC(".maps");

/* Not preallocated: 16k values of 264 bytes would be 5 MB up front; entries come and go with legs. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 2 * SFC_MAX_LEGS);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct sfc_cache_key);
	__type(value, struct sfc_cache);
} sfc_cache SEC(".maps");

/* Per CPU, not preallocated: the agent creates a leg's entry (zeros) when it adds the leg. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, SFC_MAX_LEGS);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, __u32);
	__type(value, struct sfc_stats);
} sfc_stats SEC(".maps");

/* Working copies (too big for the 512-byte stack): 0 inbound, 1 return push, 2 inline inbound. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 3);
	__type(key, __u32);
	__type(value, struct sfc_cache);
} sfc_scratch SEC(".maps");

static __always_inline struct sfc_cache *scratch(__u32 i)
{
	return bpf_map_lookup_elem(&sfc_scratch, &i);
}

/*
 * End on a header copy: SL-1, DA = segments[SL-1]. -1 when there is no next segment. SL may be
 * Last Entry + 1 (RFC 8754): a reduced SRH (`encap.red`) leaves the first segment out of the list.
 */
static __always_inline int end_step(struct sfc_cache *b, __u32 len)
{
	__u32 sl = b->hdr[OFF_SRH_SL];

	if (sl == 0 || sl > (__u32)b->hdr[OFF_SRH_LAST] + 1)
		return -1;
	sl -= 1;
	__u32 off = OFF_SRH_SEGS + sl * 16;
	if (off > SFC_MAX_HDR - 16 || off + 16 > len)
		return -1;
	b->hdr[OFF_SRH_SL] = sl;
	__builtin_memcpy(&b->hdr[OFF_IP6_DA], &b->hdr[off], 16);
	return 0;
}

/* What is cached does not depend on the packet: version only in the first word, no payload length. */
static __always_inline void normalize(struct sfc_cache *b)
{
	*(__u32 *)&b->hdr[0] = bpf_htonl(0x60000000);
	*(__u16 *)&b->hdr[OFF_IP6_PLEN] = 0;
}

static __always_inline int same_header(const struct sfc_cache *a, const struct sfc_cache *b, __u32 len)
{
	const __u64 *x = (const __u64 *)a->hdr;
	const __u64 *y = (const __u64 *)b->hdr;
	__u64 diff = 0;

	/* Branch-free over the fixed maximum (unrolled), counting only the words in use. */
#pragma unroll
	for (int i = 0; i < SFC_MAX_HDR / 8; i++)
		diff |= (i * 8 < len) ? x[i] ^ y[i] : 0;
	return diff == 0;
}

/*
 * The whole value is written with one bpf_map_update_elem (a new element replaces the old one),
 * and only when it differs: per packet this is a lookup and a compare of up to 256 bytes.
 */
static __always_inline void cache_store(__u32 leg, __u32 family, struct sfc_cache *b, struct sfc_stats *st)
{
	struct sfc_cache_key key = { .leg = leg, .family = family };
	struct sfc_cache *old = bpf_map_lookup_elem(&sfc_cache, &key);

	if (old && old->len == b->len && same_header(old, b, b->len))
		return;
	if (bpf_map_update_elem(&sfc_cache, &key, b, BPF_ANY) == 0 && st)
		st->cache_updates++;
}

SEC("tc")
int sfc_proxy_in(struct __sk_buff *skb)
{
	struct sfc_sid_key da;
	__u16 proto;

	if (skb->protocol != bpf_htons(ETH_P_IPV6))
		return TC_ACT_UNSPEC;
	/* Ethernet framing only (veth, physical NICs). */
	if (bpf_skb_load_bytes(skb, 12, &proto, sizeof(proto)) || proto != bpf_htons(ETH_P_IPV6))
		return TC_ACT_UNSPEC;
	if (bpf_skb_load_bytes(skb, ETH_HLEN + OFF_IP6_DA, &da, sizeof(da)))
		return TC_ACT_UNSPEC;
	struct sfc_sid *sid = bpf_map_lookup_elem(&sfc_sids, &da);
	if (!sid)
		return TC_ACT_UNSPEC;

	__u32 leg = sid->leg;
	struct sfc_stats *st = bpf_map_lookup_elem(&sfc_stats, &leg);
	struct sfc_cache *b = scratch(0);
	if (!b)
		goto drop;
	if (bpf_skb_load_bytes(skb, ETH_HLEN, b->hdr, OFF_SRH_SEGS))
		goto drop;
	/* The SRH must follow the IPv6 header directly (what seg6 encap produces). */
	if (b->hdr[OFF_IP6_NEXTHDR] != IPPROTO_ROUTING || b->hdr[OFF_SRH_TYPE] != SRH_TYPE_SEGMENT)
		goto drop;
	__u32 len = SFC_IPV6_HLEN + 8 * ((__u32)b->hdr[OFF_SRH_HDRLEN] + 1);
	if (len > SFC_MAX_HDR)
		goto drop;
	__u8 inner = b->hdr[OFF_SRH_NEXTHDR];
	__u32 family = inner == IPPROTO_IPIP ? 4 : inner == IPPROTO_IPV6 ? 6 : 0;
	if (family == 0)
		goto drop;
	if (bpf_skb_load_bytes(skb, ETH_HLEN, b->hdr, len))
		goto drop;
	if (end_step(b, len))
		goto drop;
	b->len = len;
	normalize(b);
	cache_store(leg, family, b, st);

	/* SL 0: the stock End.DX4/End.DX6 accepts only the last segment. */
	__u8 zero = 0;
	if (bpf_skb_store_bytes(skb, ETH_HLEN + OFF_SRH_SL, &zero, 1, BPF_F_RECOMPUTE_CSUM))
		goto drop;
	if (st) {
		st->in_packets++;
		st->in_bytes += skb->len - ETH_HLEN - len;
	}
	return TC_ACT_OK;
drop:
	if (st)
		st->in_errors++;
	return TC_ACT_SHOT;
}

/*
 * The inbound step of a proxied SID of this node, on the header about to be pushed (b): cache
 * End(b) for that SID's leg, and leave b with SL 0 so its End.DX4/DX6 decapsulates after reroute.
 */
static __always_inline int inline_inbound(__u32 leg, __u32 family, struct sfc_cache *b, __u32 len, __u32 inner_len)
{
	struct sfc_stats *st = bpf_map_lookup_elem(&sfc_stats, &leg);
	struct sfc_cache *n = scratch(2);

	if (!n)
		return -1;
	__builtin_memcpy(n, b, sizeof(*n));
	if (end_step(n, len)) {
		if (st)
			st->in_errors++;
		return -1;
	}
	normalize(n);
	cache_store(leg, family, n, st);
	b->hdr[OFF_SRH_SL] = 0;
	if (st) {
		st->in_packets++;
		st->in_bytes += inner_len;
	}
	return 0;
}

/*
 * The header to push in front of a packet that came back from leg's function: the cached one for
 * (leg, inner family) in scratch 1, with payload length, next headers, traffic class and flow label
 * (as the kernel's seg6 encap sets them) for this packet, and the inline inbound step when its new
 * DA is a proxied SID of this node. w: the inner packet's first word (host order); inner_len: its
 * length. NULL when there is nothing to push (counted: cache miss or error).
 */
static __always_inline struct sfc_cache *return_header(__u32 leg, __u32 family, __u32 w, __u32 inner_len, struct sfc_stats *st)
{
	struct sfc_cache_key key = { .leg = leg, .family = family };
	struct sfc_cache *c = bpf_map_lookup_elem(&sfc_cache, &key);

	if (!c) {
		if (st)
			st->cache_misses++;
		return NULL;
	}
	struct sfc_cache *b = scratch(1);
	if (!b)
		goto err;
	__builtin_memcpy(b, c, sizeof(*b));
	__u32 len = b->len;
	if (len < SFC_IPV6_HLEN + SFC_SRH_FIXED || len > SFC_MAX_HDR)
		goto err;

	__u32 tclass = family == 4 ? (w >> 16) & 0xff : (w >> 20) & 0xff;
	__u32 flowlabel = family == 4 ? 0 : w & 0xfffff;
	*(__u32 *)&b->hdr[0] = bpf_htonl(0x60000000 | tclass << 20 | flowlabel);
	__u32 plen = inner_len + len - SFC_IPV6_HLEN;
	if (plen > 0xffff)
		goto err;
	*(__u16 *)&b->hdr[OFF_IP6_PLEN] = bpf_htons(plen);
	b->hdr[OFF_IP6_NEXTHDR] = IPPROTO_ROUTING;
	b->hdr[OFF_SRH_NEXTHDR] = family == 4 ? IPPROTO_IPIP : IPPROTO_IPV6;

	struct sfc_sid *next = bpf_map_lookup_elem(&sfc_sids, &b->hdr[OFF_IP6_DA]);
	if (next && inline_inbound(next->leg, family, b, len, inner_len))
		goto err;
	return b;
err:
	if (st)
		st->out_errors++;
	return NULL;
}

static __always_inline __u32 family_of(struct __sk_buff *skb)
{
	if (skb->protocol == bpf_htons(ETH_P_IP))
		return 4;
	if (skb->protocol == bpf_htons(ETH_P_IPV6))
		return 6;
	return 0;
}

SEC("lwt_in")
int sfc_proxy_ret(struct __sk_buff *skb)
{
	__u32 ifindex = skb->ifindex;
	struct sfc_leg *lg = bpf_map_lookup_elem(&sfc_legs, &ifindex);

	if (!lg)
		return BPF_DROP;
	__u32 leg = lg->leg;
	struct sfc_stats *st = bpf_map_lookup_elem(&sfc_stats, &leg);
	__u32 family = family_of(skb);
	__u32 w;

	if (family == 0 || bpf_skb_load_bytes(skb, 0, &w, sizeof(w)))
		goto drop;
	__u32 inner_len = skb->len;
	struct sfc_cache *b = return_header(leg, family, bpf_ntohl(w), inner_len, st);
	if (!b)
		return BPF_DROP;
	__u32 len = b->len;
	if (len < SFC_IPV6_HLEN + SFC_SRH_FIXED || len > SFC_MAX_HDR)
		goto drop;

	/* A whole-word store (lwt programs may write mark only as a u32). The packet came out of
	 * another namespace: its mark was scrubbed on the way, nothing is lost. */
	*(volatile __u32 *)&skb->mark = SFC_PROXY_MARK;
	if (bpf_lwt_push_encap(skb, BPF_LWT_ENCAP_IP, b->hdr, len))
		goto drop;
	if (st) {
		st->out_packets++;
		st->out_bytes += inner_len;
	}
	return BPF_LWT_REROUTE;
drop:
	if (st)
		st->out_errors++;
	return BPF_DROP;
}

/*
 * What a function sends to the node itself, not into the chain: the legs' own addresses
 * (169.254.0.0/16, fd53:6663::/32), link-local and multicast (ARP is not IP, ND is multicast or
 * link-local). Routed normally; the lwt variant gets this from the local table and rule 4000.
 */
static __always_inline int for_the_node(struct __sk_buff *skb, __u32 family)
{
	__u32 da;

	if (family == 4) {
		if (bpf_skb_load_bytes(skb, ETH_HLEN + 16, &da, sizeof(da)))
			return 1;
		da = bpf_ntohl(da);
		return (da >> 16) == 0xa9fe || (da >> 28) == 0xe || da == 0xffffffff;
	}
	if (bpf_skb_load_bytes(skb, ETH_HLEN + 24, &da, sizeof(da)))
		return 1;
	da = bpf_ntohl(da);
	return (da >> 24) == 0xff || (da >> 22) == (0xfe80 >> 6) || da == 0xfd536663;
}

/*
 * The return step in tc instead (clsact ingress of the return leg): the room for the header is
 * made with bpf_skb_adjust_room(BPF_F_ADJ_ROOM_ENCAP_L3_IPV6), which keeps GSO packets GSO (the
 * kernel segments them later as IPv6-in-IPv6 with an SRH, as it does for its own seg6 encap), so
 * the function's legs keep their offloads. The packet then enters the IPv6 stack as if it had
 * arrived encapsulated: no rule, table or mark is needed.
 */
SEC("tc")
int sfc_proxy_out(struct __sk_buff *skb)
{
	__u32 family = family_of(skb);

	if (family == 0 || for_the_node(skb, family))
		return TC_ACT_UNSPEC;
	__u32 ifindex = skb->ifindex;
	struct sfc_leg *lg = bpf_map_lookup_elem(&sfc_legs, &ifindex);
	if (!lg)
		return TC_ACT_UNSPEC;
	__u32 leg = lg->leg;
	struct sfc_stats *st = bpf_map_lookup_elem(&sfc_stats, &leg);
	__u32 w;

	if (bpf_skb_load_bytes(skb, ETH_HLEN, &w, sizeof(w)))
		goto drop;
	__u32 inner_len = skb->len - ETH_HLEN;
	struct sfc_cache *b = return_header(leg, family, bpf_ntohl(w), inner_len, st);
	if (!b)
		return TC_ACT_SHOT;
	__u32 len = b->len;
	if (len < SFC_IPV6_HLEN + SFC_SRH_FIXED || len > SFC_MAX_HDR)
		goto drop;
	if (bpf_skb_adjust_room(skb, len, BPF_ADJ_ROOM_MAC, BPF_F_ADJ_ROOM_ENCAP_L3_IPV6))
		goto drop;
	if (bpf_skb_store_bytes(skb, ETH_HLEN, b->hdr, len, BPF_F_RECOMPUTE_CSUM))
		goto drop;
	/* The Ethernet type: outside what a CHECKSUM_COMPLETE sum covers, so no recompute. */
	__u16 proto = bpf_htons(ETH_P_IPV6);
	if (bpf_skb_store_bytes(skb, 12, &proto, sizeof(proto), 0))
		goto drop;
	if (st) {
		st->out_packets++;
		st->out_bytes += inner_len;
	}
	return TC_ACT_OK;
drop:
	if (st)
		st->out_errors++;
	return TC_ACT_SHOT;
}

char LICENSE[] SEC("license") = "GPL";
