/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * What the BPF programs and the sipstat command share, and nothing else:
 * the counter layout, the port set, the settings, the event record, the
 * keys of the peer and failing-address maps, the record of what is pinned
 * and the batch header.  What only the programs use (the parser's bounds,
 * the tunnel ports, the settings they start with) is in bpf/consts.h.  No
 * includes of its own: the BPF side gets __u32/__u64 from
 * <linux/types.h>, userspace too.
 *
 * Counter layout.  One per-CPU array, "sip_counts", of __u64, indexed by
 *
 *     key = SIPSTAT_KEY(direction, method, slot)
 *         = (direction * SIPSTAT_M_MAX + method) * SIPSTAT_ROW_SLOTS + slot
 *
 * A row is one (direction, method) pair; its slots are
 *
 *     0 .. SIPSTAT_O_MAX-1       parser outcomes (enum sipstat_outcome)
 *     100 .. 699                 SIP responses by status code
 *
 * A SIP response costs one lookup and one increment: its code slot in the
 * row of its direction and of the method of its CSeq (SIPSTAT_M_UNKNOWN
 * while the CSeq is not read).  A request is counted in the REQUESTS slot
 * of its method's row.  Every other outcome goes to the SIPSTAT_M_UNKNOWN
 * row of its direction.  Frames that are not UDP on a SIP port touch no
 * map at all (the rare fragment, bad-header and too-deep outcomes do);
 * frame totals come from the interface's own statistics.
 *
 * Totals that are not stored are sums, each written once in userspace:
 *     responses = sum of code slots 100..699 over methods
 *     udp_sip   = requests + responses + malformed + truncated + other
 */
#ifndef SIPSTAT_H
#define SIPSTAT_H

/* Bumped whenever anything below that a pinned map depends on changes. */
#define SIPSTAT_LAYOUT_VERSION 2

/* Status codes are counted at slot == code. */
#define SIPSTAT_CODE_MIN 100
#define SIPSTAT_CODE_MAX 699
#define SIPSTAT_CODE_SLOTS (SIPSTAT_CODE_MAX + 1)

/*
 * The SIP port when none is given: the port set the programs start with,
 * and the one userspace writes when the user names none.
 */
#define SIPSTAT_DEFAULT_PORT 5060

/* Direction of a frame relative to the interface it was counted on. */
enum sipstat_dir {
	SIPSTAT_DIR_IN = 0,	/* received: XDP, or TC ingress */
	SIPSTAT_DIR_OUT,	/* sent: TC egress */
	SIPSTAT_DIR_MAX,
};

/*
 * Method of a request line, or of the CSeq header of a response.  The
 * order is the ABI; names live in userspace.
 */
enum sipstat_method {
	SIPSTAT_M_UNKNOWN = 0,	/* response whose CSeq was not read; outcomes without a method */
	SIPSTAT_M_INVITE,
	SIPSTAT_M_ACK,
	SIPSTAT_M_BYE,
	SIPSTAT_M_CANCEL,
	SIPSTAT_M_REGISTER,
	SIPSTAT_M_OPTIONS,
	SIPSTAT_M_PRACK,
	SIPSTAT_M_UPDATE,
	SIPSTAT_M_SUBSCRIBE,
	SIPSTAT_M_NOTIFY,
	SIPSTAT_M_REFER,
	SIPSTAT_M_MESSAGE,
	SIPSTAT_M_INFO,
	SIPSTAT_M_PUBLISH,
	SIPSTAT_M_OTHER,	/* an extension method (RFC 3261 25.1: any token) */
	SIPSTAT_M_MAX,
};

/*
 * Parser outcomes, the low slots of a row.  For every UDP datagram on a
 * SIP port exactly one of requests, a code slot, malformed, truncated or
 * other is counted.
 */
enum sipstat_outcome {
	SIPSTAT_O_REQUESTS = 0,	/* payload starts with a request line (row: its method) */
	SIPSTAT_O_MALFORMED,	/* starts like a status line ("SIP/" any case) but is not one */
	SIPSTAT_O_TRUNCATED,	/* payload ends before a status line could be read */
	SIPSTAT_O_OTHER,	/* other payload on a SIP port (keepalive, STUN, junk) */
	SIPSTAT_O_FRAGMENTS,	/* UDP IP fragments that are not the first: never parsed */
	SIPSTAT_O_BAD_HEADER,	/* frame cut short or inconsistent inside Ethernet/IP/UDP */
	SIPSTAT_O_TOO_DEEP,	/* more VLAN tags or IPv6 extension headers than the bounds */
	/* The event path (row SIPSTAT_M_UNKNOWN): every response whose code
	 * asks for an event is exactly one of these three. */
	SIPSTAT_O_EVENTS_SENT,	/* event written to the ring buffer */
	SIPSTAT_O_EVENTS_LIMITED, /* not sent: over the per-CPU rate limit */
	SIPSTAT_O_EVENTS_LOST,	/* not sent: the ring buffer was full */
	/* SIP over TCP (row SIPSTAT_M_UNKNOWN): a segment with payload on a SIP
	 * port is counted here and, when its payload starts with a start line,
	 * as a request or response too; otherwise as tcp_unparsed, not other. */
	SIPSTAT_O_TCP_SEGMENTS,	/* TCP segments with payload on a SIP port */
	SIPSTAT_O_TCP_UNPARSED,	/* ... whose payload does not start a SIP message */
	/* SIP-port datagrams and segments found inside one encapsulation
	 * (row SIPSTAT_M_UNKNOWN), counted besides what they hold. */
	SIPSTAT_O_ENCAP_IPIP,	/* IPv4/IPv6 in IPv4/IPv6 (IP protocols 4, 41) */
	SIPSTAT_O_ENCAP_GRE,	/* GRE (RFC 2784/2890), IP or Ethernet inside */
	SIPSTAT_O_ENCAP_VXLAN,	/* VXLAN (RFC 7348, UDP 4789) */
	SIPSTAT_O_ENCAP_GTPU,	/* GTP-U (3GPP TS 29.281, UDP 2152) */
	SIPSTAT_O_ENCAP_PPPOE,	/* PPPoE session (RFC 2516, EtherType 0x8864) */
	SIPSTAT_O_ENCAP_MPLS,	/* MPLS label stack (RFC 3032) */
	/* Responses not counted per peer because sip_peer_counts was full. */
	SIPSTAT_O_PEER_OVERFLOW,
	SIPSTAT_O_MAX,
};

/* Slots per row: outcomes below SIPSTAT_CODE_MIN, then the codes. */
#define SIPSTAT_ROW_SLOTS SIPSTAT_CODE_SLOTS
#define SIPSTAT_KEY(dir, method, slot)                                         \
	(((__u32)(dir) * SIPSTAT_M_MAX + (__u32)(method)) * SIPSTAT_ROW_SLOTS + (__u32)(slot))
#define SIPSTAT_COUNT_KEYS (SIPSTAT_DIR_MAX * SIPSTAT_M_MAX * SIPSTAT_ROW_SLOTS)

/*
 * The SIP port set: one bit per UDP port, 65536 bits, in a map of its own
 * (an mmapable array with one value) that userspace rewrites word by word
 * while the programs run, and that several programs and processes share
 * through its pin.
 */
#define SIPSTAT_PORT_WORDS (65536 / 64)
struct sipstat_ports {
	__u64 w[SIPSTAT_PORT_WORDS];
};

/*
 * Settings the data path reads on every frame that needs them, in a map
 * of their own (".data.sip_cfg", mmapable) that userspace changes while
 * attached, word by word.
 */
#define SIPSTAT_CFG_METHODS (1u << 0)	/* read the CSeq method of responses */
#define SIPSTAT_CFG_TCP (1u << 1)	/* SIP over TCP: segments that start a message */
#define SIPSTAT_CFG_IPIP (1u << 2)	/* look inside one layer of each: */
#define SIPSTAT_CFG_GRE (1u << 3)
#define SIPSTAT_CFG_VXLAN (1u << 4)
#define SIPSTAT_CFG_GTPU (1u << 5)
#define SIPSTAT_CFG_PPPOE (1u << 6)
#define SIPSTAT_CFG_MPLS (1u << 7)
#define SIPSTAT_CFG_PEERS (1u << 8)	/* count responses per named peer (sip_peers) */
#define SIPSTAT_CFG_FAILING (1u << 9)	/* keep the addresses that send 4xx-6xx */
#define SIPSTAT_CFG_ENCAP (SIPSTAT_CFG_IPIP | SIPSTAT_CFG_GRE | SIPSTAT_CFG_VXLAN |         \
			   SIPSTAT_CFG_GTPU | SIPSTAT_CFG_PPPOE | SIPSTAT_CFG_MPLS)

struct sipstat_cfg {
	__u64 event_codes[(SIPSTAT_CODE_SLOTS + 63) / 64];	/* bit per status code */
	__u32 event_rate;	/* events per second per CPU; 0: no limit */
	__u32 event_burst;	/* bucket size in events */
	__u32 flags;		/* SIPSTAT_CFG_* */
	__u32 pad;
};

/*
 * Events: one record per response whose code is in the event set (by
 * default every 6xx), written to the ring buffer "sip_events" the moment
 * the frame is seen, for alerts that name who sent what.  Counting never
 * depends on them; every event wanted is counted as sent, limited or
 * lost.  (The ring buffer's size and the rate limit the programs start
 * with: bpf/consts.h.)
 */
struct sipstat_event {
	__u64 ts_ns;		/* bpf_ktime_get_ns(): CLOCK_MONOTONIC */
	__u16 code;
	__u8 dir;		/* enum sipstat_dir */
	__u8 method;		/* enum sipstat_method of the CSeq, when read */
	__u8 family;		/* 4 or 6 */
	__u8 nvlan;		/* VLAN tags in front of the IP header */
	__u16 vlan[2];		/* VLAN ids, outer first */
	__u16 sport, dport;	/* UDP ports, host order */
	__u16 pad;
	__u8 saddr[16];		/* IPv4: the first 4 bytes */
	__u8 daddr[16];
};

/*
 * Named peers: trunks, SBCs, carriers, as CIDR prefixes in an LPM trie
 * ("sip_peers") that userspace fills from a file and changes while
 * attached.  The remote address of each response (the source of what is
 * received, the destination of what is sent) picks the longest prefix;
 * IPv4 is looked up as an IPv4-mapped IPv6 address (::ffff:a.b.c.d, so a
 * /24 is prefixlen 96 + 24).  Responses are counted per (direction, peer,
 * method, code) in a per-CPU hash ("sip_peer_counts"); peer 0 is every
 * address no prefix matched.  A full hash is counted, never silent.
 */
#define SIPSTAT_PEERS_MAX 255		/* named peers, ids 1..255 */
#define SIPSTAT_PEER_PREFIXES 4096	/* prefixes in the trie */
#define SIPSTAT_PEER_COUNT_KEYS 16384	/* (direction, peer, method, code) counted */

struct sipstat_peer_prefix {
	__u32 prefixlen;	/* bits of addr that must match */
	__u8 addr[16];		/* IPv6, or IPv4-mapped IPv6 */
};

/* Key of sip_peer_counts: code | method << 10 | peer << 14 | dir << 22. */
#define SIPSTAT_PEER_KEY(dir, peer, method, code)                              \
	((__u32)(code) | (__u32)(method) << 10 | (__u32)(peer) << 14 | (__u32)(dir) << 22)

/*
 * Failing addresses: an LRU hash ("sip_failing", per CPU) of the remote
 * addresses that sent (or were sent) 4xx, 5xx or 6xx responses, with a
 * count per class; the least recently failing are dropped when it is
 * full, so it holds the busy ones, not a complete history.
 */
#define SIPSTAT_FAILING_MAX 4096

struct sipstat_failing_key {
	__u8 addr[16];		/* IPv6, or IPv4-mapped IPv6 */
	__u8 dir;
	__u8 cls;		/* 4, 5 or 6 */
	__u8 pad[2];
};

/*
 * What userspace records about an attachment in the "sip_meta" map (one
 * value, never read by the data path): the layout the pinned maps were
 * made for, when counting started and how, and the index of the interface
 * (one removed and made again under the same name has another index).
 */
struct sipstat_meta {
	__u32 layout;		/* SIPSTAT_LAYOUT_VERSION of the sipstat that made the maps */
	__u32 flags;		/* SIPSTAT_META_* */
	__u64 created_ns;	/* CLOCK_REALTIME when the maps were made */
	__u64 attached_ns;	/* CLOCK_REALTIME of the last attach */
	__u32 dirs;		/* bit per enum sipstat_dir being counted */
	__u32 mode;		/* userspace's attach mode of the ingress program */
	__u32 ifindex;		/* the interface's index at the last attach, 0 unknown */
	__u32 reserved32;
	__u64 reserved[3];
};

/*
 * Several frames in one test run of the batch program (sipstat read):
 * this header, then the frames back to back, each at least
 * SIPSTAT_BATCH_MIN_FRAME bytes.  The program counts each one as a frame
 * of its own, seeing exactly its bytes, and returns how many it counted.
 */
#define SIPSTAT_BATCH_MAX 32
#define SIPSTAT_BATCH_MIN_FRAME 14	/* an Ethernet header */

struct sipstat_batch {
	__u16 n;			/* frames that follow */
	__u16 len[SIPSTAT_BATCH_MAX];	/* their lengths, in order */
};

_Static_assert(SIPSTAT_O_MAX <= SIPSTAT_CODE_MIN, "outcomes fit below the first code");
_Static_assert(SIPSTAT_M_MAX == 16, "method rows are part of the map layout");
_Static_assert(SIPSTAT_COUNT_KEYS == 22400, "counter map size is part of the layout");
_Static_assert(sizeof(struct sipstat_ports) == 8192, "one bit per port");
_Static_assert(sizeof(struct sipstat_meta) == 64, "meta record has no padding");
_Static_assert(sizeof(struct sipstat_peer_prefix) == 20, "LPM key has no padding");
_Static_assert(sizeof(struct sipstat_failing_key) == 20, "hash key has explicit padding");
_Static_assert(SIPSTAT_PEERS_MAX < 256 && SIPSTAT_M_MAX <= 16 && SIPSTAT_CODE_SLOTS <= 1024,
	       "peer count keys fit their bit fields");
_Static_assert(sizeof(struct sipstat_event) == 56, "event record has no padding");
_Static_assert(sizeof(struct sipstat_cfg) == 104, "settings have no padding");
_Static_assert(sizeof(struct sipstat_batch) == 66, "batch header has no padding");

#endif /* SIPSTAT_H */
