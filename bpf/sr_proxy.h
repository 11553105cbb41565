/* SPDX-License-Identifier: (GPL-2.0-only OR Apache-2.0) */
/*
 * srv6-sfc dynamic SR proxy: map layouts shared by bpf/sr_proxy.c and (as byte offsets) by
 * src/agent/proxy/dynamic/layout.ts. Every struct is fixed-size, little-endian on the hosts we
 * run on, with explicit padding. Change one side, change the other (a unit test compares them).
 */
#ifndef SFC_SR_PROXY_H
#define SFC_SR_PROXY_H

#include <linux/types.h>

/* The most bpf_lwt_push_encap() accepts (LWT_BPF_MAX_HEADROOM): outer IPv6 (40) + SRH. */
#define SFC_MAX_HDR 256
#define SFC_IPV6_HLEN 40
#define SFC_SRH_FIXED 8
/* 13 segments without TLVs. */
#define SFC_MAX_SEGS ((SFC_MAX_HDR - SFC_IPV6_HLEN - SFC_SRH_FIXED) / 16)

/* Instance slots per node (src/agent/plan/ids.ts MAX_SLOT + 1): leg ids are slots. */
#define SFC_MAX_LEGS 8192
/* An instance's in-leg SIDs (End.DX4 and End.DX6) and spare room. */
#define SFC_MAX_SIDS (4 * SFC_MAX_LEGS)

/*
 * The return program marks what it re-encapsulated: `ip -6 rule fwmark SFC_PROXY_MARK/MASK
 * lookup main` (ahead of the legs' iif rules) routes the outer packet by its new destination
 * instead of the leg's proxy table, whose IPv6 default route would catch it again.
 */
#define SFC_PROXY_MARK 0x53fc0000u
#define SFC_PROXY_MARK_MASK 0xffff0000u

/* sfc_sids: key = the proxied SID (16 bytes, network order), value: */
struct sfc_sid {
	__u32 leg;   /* the instance's leg id (its slot) */
	__u32 flags; /* reserved, 0 */
};

/* sfc_legs: key = __u32 ifindex of the return leg (host side), value: */
struct sfc_leg {
	__u32 leg;
	__u32 flags; /* reserved, 0 */
};

/* sfc_cache: one cached header per (leg, inner family). */
struct sfc_cache_key {
	__u32 leg;
	__u32 family; /* 4 or 6: the inner packet's family */
};

struct sfc_cache {
	__u32 len; /* bytes of hdr in use: 40 + SRH length */
	__u32 pad;
	/*
	 * The outer IPv6 header and SRH after End (SL-1, DA = next segment). Version/traffic
	 * class/flow label read 0x60000000 and payload length 0: both are rebuilt from the inner
	 * packet on return, so flows of one chain share one cached value.
	 */
	__u8 hdr[SFC_MAX_HDR];
} __attribute__((aligned(8)));

/* sfc_stats (per CPU): key = __u32 leg id; the agent creates the entry, the programs add to it. */
struct sfc_stats {
	__u64 in_packets;    /* cached and handed to End.DX4/DX6 (inbound) */
	__u64 in_bytes;      /* inner bytes of those */
	__u64 out_packets;   /* re-encapsulated on the return leg */
	__u64 out_bytes;     /* inner bytes of those */
	__u64 cache_updates; /* the cached header changed (a chain switch, first packet) */
	__u64 cache_misses;  /* return packet with no cached header: dropped */
	__u64 in_errors;     /* inbound dropped: no SRH, SL 0, header too long, not IPv4/IPv6 inside */
	__u64 out_errors;    /* return dropped: push failed (GSO, size), bad cached value */
};

#endif
