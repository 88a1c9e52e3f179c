/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Named peers: a file of "NAME PREFIX..." lines turned into the kernel's
 * LPM trie "sip_peers" (ids 1..255; 0 is "other"), changed live without
 * losing counts (a name keeps its id), and the per-peer counts of
 * "sip_peer_counts" read back.  The maps are found through the program of
 * an XDP link, so a reader of pinned counters finds them the same way as
 * the process that attached them.  The names live in a file beside the
 * pins (peers_names_path()), written by whoever loads the peers.
 */
#ifndef SIPSTAT_LIB_PEERS_H
#define SIPSTAT_LIB_PEERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sipstat.h"

#define PEERS_NAME_LEN 32	/* names: [A-Za-z0-9_.:-], 1..31 characters */
#define PEERS_OTHER "other"	/* peer 0: no prefix matched */
#define PEERS_RUN_DIR "/run/sipstat"
#define PEERS_FILE_MAX (1 << 20)	/* bytes of a peers file */
#define PEERS_LINE_MAX 4095	/* characters of one of its lines */

struct peers_prefix {
	struct sipstat_peer_prefix key;	/* as the trie holds it */
	uint32_t id;
	int line;			/* where it was read */
};

struct peers_table {
	char names[SIPSTAT_PEERS_MAX + 1][PEERS_NAME_LEN];	/* [id]; "" unused; [0] "other" */
	bool retired[SIPSTAT_PEERS_MAX + 1];	/* name out of the file, kept for its counts */
	int npeers;			/* names in the file */
	struct peers_prefix *prefixes;
	int nprefixes;
};

void peers_table_init(struct peers_table *t);
void peers_table_free(struct peers_table *t);

/*
 * Parse the text of a peers file into t (ids given in order of first
 * appearance, or the id a name has in keep, so counts stay with names
 * across changes; names of keep that are no longer in the file stay in t
 * as retired, so the counts they have keep their name and their id is
 * not given to another while a free one is left).  0, or -EINVAL with "line N: what is wrong" in msg.
 */
int peers_parse(const char *text, const struct peers_table *keep, struct peers_table *t,
		char *msg, size_t msglen);
/* The same from a file; -errno when it cannot be read (msg says so). */
int peers_load(const char *path, const struct peers_table *keep, struct peers_table *t,
	       char *msg, size_t msglen);

/* Parse one prefix ("198.18.0.0/15", "2001:db8::1") into an LPM key.  0 or -EINVAL. */
int peers_prefix_parse(const char *s, struct sipstat_peer_prefix *key);
/* "198.18.0.0/15", "2001:db8::/32", "2001:db8::1" from an LPM key or a 16-byte address. */
void peers_prefix_format(const struct sipstat_peer_prefix *key, char *buf, size_t len);
void peers_addr_format(const uint8_t addr[16], char *buf, size_t len);

/* Name of a peer id: "other" for 0, "peerN" for an id t does not name. */
const char *peers_name(const struct peers_table *t, uint32_t id, char *buf, size_t len);

/* The maps of the program behind an XDP link (-1 where absent). */
struct peers_maps {
	int peers_fd, counts_fd, failing_fd, cfg_fd;
	volatile struct sipstat_cfg *cfg;	/* the mapped settings, or NULL */
};

void peers_maps_init(struct peers_maps *m);
/* Find them from link_fd.  0, or -errno (-ENOENT: a program without them). */
int peers_maps_open(int link_fd, struct peers_maps *m);
/* The same from a program (a pinned TC program has no link). */
int peers_maps_open_prog(int prog_fd, struct peers_maps *m);
void peers_maps_close(struct peers_maps *m);

/*
 * Make the trie hold exactly t's prefixes (new and changed ones written
 * first, then the ones gone deleted, so no lookup falls between two
 * states) and switch per-peer counting on.  0 or -errno.
 */
int peers_apply(const struct peers_maps *m, const struct peers_table *t, char *msg,
		size_t msglen);

/*
 * PEERS_RUN_DIR/netns:INO:COOKIE/IFACE.peers, beside the pins of the
 * network namespace they are used in (lib/pin.h; PEERS_RUN_DIR/IFACE.peers
 * for the old path): "ID NAME" lines for readers.
 */
int peers_names_path(char *buf, size_t len, const char *ifname);
/* The names of the old path moved beside the pins they went with (attach --replace). */
void peers_names_move_old(const char *ifname);
int peers_names_write(const char *ifname, const struct peers_table *t);
/* Names from that file into t (prefixes not read).  0 or -errno (-ENOENT: none). */
int peers_names_read(const char *ifname, struct peers_table *t);

/* One reading of sip_peer_counts, summed over CPUs, sorted by key. */
struct peers_count {
	uint32_t key;		/* SIPSTAT_PEER_KEY() */
	uint64_t n;
};
struct peers_counts {
	struct peers_count *e;
	int n, cap;
};

void peers_counts_free(struct peers_counts *pc);
/* Read counts_fd into pc (ncpus values per key).  0 or -errno. */
int peers_counts_read(int counts_fd, int ncpus, struct peers_counts *pc);
/* dst += src (several interfaces into one). 0 or -ENOMEM. */
int peers_counts_add(struct peers_counts *dst, const struct peers_counts *src);
/* The count of one key, 0 when absent. */
uint64_t peers_counts_get(const struct peers_counts *pc, uint32_t key);

static inline uint32_t peers_key_code(uint32_t k) { return k & 0x3ff; }
static inline uint32_t peers_key_method(uint32_t k) { return (k >> 10) & 0xf; }
static inline uint32_t peers_key_peer(uint32_t k) { return (k >> 14) & 0xff; }
static inline uint32_t peers_key_dir(uint32_t k) { return (k >> 22) & 0x3; }
/* A key whose direction, method and code lie within the counter layout. */
static inline bool peers_key_valid(uint32_t k)
{
	return peers_key_dir(k) < SIPSTAT_DIR_MAX && peers_key_method(k) < SIPSTAT_M_MAX &&
	       peers_key_code(k) >= SIPSTAT_CODE_MIN && peers_key_code(k) <= SIPSTAT_CODE_MAX;
}

#endif
