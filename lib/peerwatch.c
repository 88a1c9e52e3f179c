// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "counters.h"
#include "peerwatch.h"
#include "pin.h"

static int file_stamp(const char *path, struct peerwatch_stamp *st)
{
	struct stat sb;

	if (stat(path, &sb))
		return -errno;
	st->mtime = sb.st_mtim;
	st->ino = sb.st_ino;
	return 0;
}

static bool same_stamp(const struct peerwatch_stamp *a, const struct peerwatch_stamp *b)
{
	return a->mtime.tv_sec == b->mtime.tv_sec && a->mtime.tv_nsec == b->mtime.tv_nsec &&
	       a->ino == b->ino;
}

static int apply_all(struct peerwatch *pw, const struct peers_table *t, char *msg, size_t msglen)
{
	int i, e;

	for (i = 0; i < pw->n; i++) {
		if (pw->maps[i].peers_fd < 0)
			continue;
		e = peers_apply(&pw->maps[i], t, msg, msglen);
		if (e)
			return e;
		/* Readers of the pins find the names here (without it they see ids);
		 * a program of this process's own has no other reader. */
		if (pin_exists(pw->ifnames[i]) == 1)
			peers_names_write(pw->ifnames[i], t);
	}
	return 0;
}

/* The per-peer maps behind the pins of an interface: through its link, else a pinned TC program. */
static int pinned_peer_maps(const struct pinned *p, struct peers_maps *m)
{
	int obj;

	if (p->fd[PIN_LINK] >= 0 && !peers_maps_open(p->fd[PIN_LINK], m))
		return 0;
	for (obj = PIN_TC_IN; obj <= PIN_TC_OUT; obj++)
		if (p->fd[obj] >= 0 && !peers_maps_open_prog(p->fd[obj], m))
			return 0;
	peers_maps_init(m);
	return -ENOENT;
}

/* The same by interface name, when it has pins. */
static int pinned_peer_maps_of(const char *ifname, struct peers_maps *m)
{
	struct pinned p;
	char msg[256];
	int e;

	peers_maps_init(m);
	if (pin_exists(ifname) != 1 || pin_open(ifname, &p, msg, sizeof(msg)))
		return -ENOENT;
	e = pinned_peer_maps(&p, m);
	pin_close(&p);
	return e;
}

int peerwatch_open(struct peerwatch *pw, const char *peers_file, bool failing,
		   const char *const *ifnames, const int *link_fds, const int *prog_fds, int n,
		   int ncpus, char *msg, size_t msglen)
{
	int i, e;

	memset(pw, 0, sizeof(*pw));
	peers_table_init(&pw->table);
	pw->n = n < PEERWATCH_IFACES ? n : PEERWATCH_IFACES;
	pw->ncpus = ncpus;
	pw->peers_file = peers_file;
	pw->failing_always = failing;
	for (i = 0; i < pw->n; i++) {
		pw->ifnames[i] = ifnames[i];
		peers_maps_init(&pw->maps[i]);
		/* Without a link (counting on TC only), the TC program has them. */
		if (link_fds[i] >= 0)
			e = peers_maps_open(link_fds[i], &pw->maps[i]);
		else if (prog_fds && prog_fds[i] >= 0)
			e = peers_maps_open_prog(prog_fds[i], &pw->maps[i]);
		else
			e = pinned_peer_maps_of(ifnames[i], &pw->maps[i]);
		if (!e)
			pw->have_maps = true;
	}
	if (pw->peers_file) {
		if (!pw->have_maps) {
			snprintf(msg, msglen, "--peers: the program on %s has no peer table "
				 "(attached by an older sipstat?): attach --replace", ifnames[0]);
			return -ENOENT;
		}
		file_stamp(pw->peers_file, &pw->stamp);
		e = peers_load(pw->peers_file, NULL, &pw->table, msg, msglen);
		if (!e)
			e = apply_all(pw, &pw->table, msg, msglen);
		if (e)
			return e;
		pw->has_names = true;
	} else {
		for (i = 0; i < pw->n && !pw->has_names; i++)
			pw->has_names = !peers_names_read(ifnames[i], &pw->table);
	}
	return 0;
}

void peerwatch_open_pinned(struct peerwatch *pw, bool failing, const char *const *ifnames, int n,
			   int ncpus)
{
	int links[PEERWATCH_IFACES], i;
	char msg[512];

	/* No link given: each interface's maps are found through its pins. */
	for (i = 0; i < PEERWATCH_IFACES; i++)
		links[i] = -1;
	if (n > PEERWATCH_IFACES)
		n = PEERWATCH_IFACES;
	peerwatch_open(pw, NULL, failing, ifnames, links, NULL, n, ncpus, msg, sizeof(msg));
}

void peerwatch_close(struct peerwatch *pw)
{
	int i;

	for (i = 0; i < pw->n; i++)
		peers_maps_close(&pw->maps[i]);
	peers_table_free(&pw->table);
	peers_counts_free(&pw->base);
	peers_counts_free(&pw->prev);
	peers_counts_free(&pw->cur);
	for (i = 0; i < PEERWATCH_IFACES; i++) {
		peers_counts_free(&pw->each[i]);
		failing_free(&pw->each_failing[i]);
	}
	failing_free(&pw->fprev);
	failing_free(&pw->fcur);
}

int peerwatch_reload(struct peerwatch *pw, char *msg, size_t msglen)
{
	struct peerwatch_stamp st = { { 0 }, 0 };
	struct peers_table t;
	int e;

	if (!pw->peers_file || file_stamp(pw->peers_file, &st))
		return 0;	/* gone for a moment (an editor's rename): keep what is loaded */
	if (same_stamp(&st, &pw->stamp))
		return 0;
	pw->stamp = st;
	e = peers_load(pw->peers_file, &pw->table, &t, msg, msglen);
	if (e) {
		size_t l = strlen(msg);

		snprintf(msg + l, msglen - l, "; the peers loaded before stay");
		return e;
	}
	e = apply_all(pw, &t, msg, msglen);
	if (e) {
		peers_table_free(&t);
		return e;
	}
	peers_table_free(&pw->table);
	pw->table = t;
	snprintf(msg, msglen, "peers file %s applied: %d peers, %d prefixes", pw->peers_file,
		 t.npeers, t.nprefixes);
	return 1;
}

/* The latest reading becomes the one before; the latest is read anew. */
static void rotate(struct peerwatch *pw)
{
	struct peers_counts ptmp = pw->prev;
	struct failing tmp = pw->fprev;

	pw->prev = pw->cur;
	pw->cur = ptmp;
	pw->cur.n = 0;
	pw->fprev = pw->fcur;
	pw->fcur = tmp;
	pw->fcur.n = 0;
}

int peerwatch_read(struct peerwatch *pw, bool first)
{
	bool failing = pw->failing_always || first;
	int i, e = 0;

	if (!pw->have_maps)
		return 0;
	rotate(pw);
	for (i = 0; i < pw->n && !e; i++) {
		pw->each[i].n = 0;
		pw->each_failing[i].n = 0;
		if (pw->maps[i].counts_fd < 0)
			continue;
		e = peers_counts_read(pw->maps[i].counts_fd, pw->ncpus, &pw->each[i]);
		if (!e)
			e = peers_counts_add(&pw->cur, &pw->each[i]);
		if (!e && failing)
			e = failing_read(pw->maps[i].failing_fd, pw->ncpus, &pw->each_failing[i]);
		if (!e && failing)
			e = failing_add(&pw->fcur, &pw->each_failing[i]);
	}
	if (e)
		return e;
	failing_deltas(&pw->fcur, first ? NULL : &pw->fprev);
	if (first) {
		pw->base.n = 0;
		pw->prev.n = 0;
		e = peers_counts_add(&pw->base, &pw->cur);
		if (!e)
			e = peers_counts_add(&pw->prev, &pw->cur);
	}
	return e;
}

bool peerwatch_has(const struct peerwatch *pw, int i)
{
	return pw->have_maps && i >= 0 && i < pw->n && pw->maps[i].counts_fd >= 0;
}

void peerwatch_counters(const struct peers_counts *pc, uint32_t peer, struct counters *out)
{
	int i;

	memset(out, 0, sizeof(*out));
	for (i = 0; pc && i < pc->n; i++) {
		uint32_t k = pc->e[i].key, code = peers_key_code(k), m = peers_key_method(k),
			 d = peers_key_dir(k);

		if (peers_key_peer(k) != peer || !peers_key_valid(k))
			continue;
		out->keys[SIPSTAT_KEY(d, m, code)] += pc->e[i].n;
	}
	counters_derive(out);
}

int peerwatch_check_file(const char *path, char *msg, size_t msglen)
{
	struct peers_table t;
	int e;

	if (!path)
		return 0;
	e = peers_load(path, NULL, &t, msg, msglen);
	peers_table_free(&t);
	return e;
}

int peerwatch_load_pinned(const char *ifname, const char *file, char *done, size_t dlen,
			  char *msg, size_t msglen)
{
	struct peers_table keep, t;
	struct peers_maps m;
	struct pinned p;
	char why[512];
	int e;

	e = pin_open(ifname, &p, why, sizeof(why));
	if (e) {
		snprintf(msg, msglen, "%s", why);
		return e;
	}
	e = pinned_peer_maps(&p, &m);
	if (e) {
		pin_close(&p);
		snprintf(msg, msglen, "%s: no peer table found behind the pinned program (%s); "
			 "sipstat attach --replace -i %s loads a program with one",
			 ifname, strerror(-e), ifname);
		return e;
	}
	peers_names_read(ifname, &keep);
	e = peers_load(file, &keep, &t, msg, msglen);
	if (!e)
		e = peers_apply(&m, &t, msg, msglen);
	if (!e) {
		int w = peers_names_write(ifname, &t);

		snprintf(done, dlen, "%s: %d peers, %d prefixes from %s%s%s", ifname, t.npeers,
			 t.nprefixes, file, w ? "; names not written to " PEERS_RUN_DIR ": " : "",
			 w ? strerror(-w) : "");
	}
	peers_table_free(&t);
	peers_table_free(&keep);
	peers_maps_close(&m);
	pin_close(&p);
	return e;
}

void peerwatch_read_pinned(struct peerwatch_pinned *pp, const char *ifname, int ncpus,
			   bool failing)
{
	struct peers_maps m;
	struct pinned p;
	char msg[256];

	pp->has_counts = false;
	pp->has_failing = false;
	if (pin_open(ifname, &p, msg, sizeof(msg)))
		return;
	if (!pinned_peer_maps(&p, &m)) {
		peers_table_free(&pp->names);
		peers_names_read(ifname, &pp->names);
		pp->has_counts = !peers_counts_read(m.counts_fd, ncpus, &pp->pc);
		pp->has_failing = failing && !failing_read(m.failing_fd, ncpus, &pp->fl);
		peers_maps_close(&m);
	}
	pin_close(&p);
}

void peerwatch_pinned_free(struct peerwatch_pinned *pp)
{
	peers_counts_free(&pp->pc);
	failing_free(&pp->fl);
	peers_table_free(&pp->names);
}

int peerwatch_file_changed(const char *path, struct peerwatch_stamp *st)
{
	struct peerwatch_stamp now = { { 0 }, 0 };

	if (!path || file_stamp(path, &now))
		return 0;
	if (same_stamp(&now, st))
		return 0;
	*st = now;
	return 1;
}
