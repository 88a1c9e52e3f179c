// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "codes.h"
#include "counters.h"
#include "export.h"
#include "insight.h"
#include "kpi.h"
#include "pin.h"
#include "report.h"

/* ------------------------------------------------------------ reading */

static int file_stamp(const char *path, struct timespec *mt, ino_t *ino)
{
	struct stat st;

	if (stat(path, &st))
		return -errno;
	*mt = st.st_mtim;
	*ino = st.st_ino;
	return 0;
}

static int apply_all(struct insight *in, const struct peers_table *t, char *msg, size_t msglen)
{
	int i, e;

	for (i = 0; i < in->n; i++) {
		if (in->maps[i].peers_fd < 0)
			continue;
		e = peers_apply(&in->maps[i], t, msg, msglen);
		if (e)
			return e;
		/* Readers of the pins find the names here (without it they see ids);
		 * a program of this process's own has no other reader. */
		if (pin_exists(in->ifnames[i]) == 1)
			peers_names_write(in->ifnames[i], t);
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

int insight_open(struct insight *in, const struct options *o, const char *const *ifnames,
		 const int *link_fds, const int *prog_fds, int n, int ncpus, char *msg,
		 size_t msglen)
{
	int i, e;

	memset(in, 0, sizeof(*in));
	peers_table_init(&in->table);
	in->n = n;
	in->ncpus = ncpus;
	in->peers_file = o->peers_file;
	in->per_peer = o->per_peer;
	in->export_failing = o->export_failing;
	in->live = o->top;
	in->failing_top = o->failing_top ? o->failing_top :
			  o->verbose > 0 ? INSIGHT_VERBOSE_FAILING : 0;
	for (i = 0; i < n; i++) {
		in->ifnames[i] = ifnames[i];
		peers_maps_init(&in->maps[i]);
		/* Without a link (counting on TC only), the TC program has them. */
		if (link_fds[i] >= 0 ? !peers_maps_open(link_fds[i], &in->maps[i]) :
		    prog_fds && prog_fds[i] >= 0 ? !peers_maps_open_prog(prog_fds[i], &in->maps[i]) :
						   !pinned_peer_maps_of(ifnames[i], &in->maps[i]))
			in->have_maps = true;
	}
	if (in->peers_file) {
		if (!in->have_maps) {
			snprintf(msg, msglen, "--peers: the program on %s has no peer table "
				 "(attached by an older sipstat?): attach --replace", ifnames[0]);
			return -ENOENT;
		}
		file_stamp(in->peers_file, &in->peers_mtime, &in->peers_ino);
		e = peers_load(in->peers_file, NULL, &in->table, msg, msglen);
		if (!e)
			e = apply_all(in, &in->table, msg, msglen);
		if (e)
			return e;
		in->has_names = true;
	} else {
		for (i = 0; i < n && !in->has_names; i++)
			in->has_names = !peers_names_read(ifnames[i], &in->table);
	}
	return 0;
}

void insight_open_pinned(struct insight *in, const struct options *o,
			 const char *const *ifnames, int n, int ncpus)
{
	struct options without = *o;
	int links[MAX_IFACES], i;
	char msg[512];

	without.peers_file = NULL;
	if (n > MAX_IFACES)
		n = MAX_IFACES;
	/* No link given: each interface's maps are found through its pins. */
	for (i = 0; i < n; i++)
		links[i] = -1;
	insight_open(in, &without, ifnames, links, NULL, n, ncpus, msg, sizeof(msg));
}

void insight_close(struct insight *in)
{
	int i;

	for (i = 0; i < in->n; i++)
		peers_maps_close(&in->maps[i]);
	peers_table_free(&in->table);
	peers_counts_free(&in->base);
	peers_counts_free(&in->prev);
	peers_counts_free(&in->cur);
	for (i = 0; i < MAX_IFACES; i++) {
		peers_counts_free(&in->each[i]);
		failing_free(&in->each_failing[i]);
	}
	failing_free(&in->fprev);
	failing_free(&in->fcur);
}

int insight_reload(struct insight *in, char *msg, size_t msglen)
{
	struct peers_table t;
	struct timespec mt = { 0 };
	ino_t ino = 0;
	int e;

	if (!in->peers_file || file_stamp(in->peers_file, &mt, &ino))
		return 0;	/* gone for a moment (an editor's rename): keep what is loaded */
	if (mt.tv_sec == in->peers_mtime.tv_sec && mt.tv_nsec == in->peers_mtime.tv_nsec &&
	    ino == in->peers_ino)
		return 0;
	in->peers_mtime = mt;
	in->peers_ino = ino;
	e = peers_load(in->peers_file, &in->table, &t, msg, msglen);
	if (e) {
		size_t l = strlen(msg);

		snprintf(msg + l, msglen - l, "; the peers loaded before stay");
		return e;
	}
	e = apply_all(in, &t, msg, msglen);
	if (e) {
		peers_table_free(&t);
		return e;
	}
	peers_table_free(&in->table);
	in->table = t;
	snprintf(msg, msglen, "peers file %s applied: %d peers, %d prefixes", in->peers_file,
		 t.npeers, t.nprefixes);
	return 1;
}

int insight_read(struct insight *in, bool first)
{
	bool failing = in->failing_top || in->export_failing || in->live || first;
	struct peers_counts ptmp;
	struct failing tmp;
	int i, e = 0;

	if (!in->have_maps)
		return 0;
	ptmp = in->prev;
	in->prev = in->cur;
	in->cur = ptmp;
	in->cur.n = 0;
	tmp = in->fprev;
	in->fprev = in->fcur;
	in->fcur = tmp;
	in->fcur.n = 0;
	for (i = 0; i < in->n && !e; i++) {
		in->each[i].n = 0;
		in->each_failing[i].n = 0;
		if (in->maps[i].counts_fd < 0)
			continue;
		e = peers_counts_read(in->maps[i].counts_fd, in->ncpus, &in->each[i]);
		if (!e)
			e = peers_counts_add(&in->cur, &in->each[i]);
		if (!e && failing)
			e = failing_read(in->maps[i].failing_fd, in->ncpus, &in->each_failing[i]);
		if (!e && failing)
			e = failing_add(&in->fcur, &in->each_failing[i]);
	}
	if (e)
		return e;
	failing_deltas(&in->fcur, first ? NULL : &in->fprev);
	if (first) {
		in->base.n = 0;
		in->prev.n = 0;
		e = peers_counts_add(&in->base, &in->cur);
		if (!e)
			e = peers_counts_add(&in->prev, &in->cur);
	}
	return e;
}

void insight_peer_counters(const struct peers_counts *pc, uint32_t peer, struct counters *out)
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

void insight_view_counters(const struct counters *c, const struct peers_counts *pc, int peer,
			   int method, struct counters *out)
{
	int d, m;

	if (peer < 0) {
		if (method >= 0)
			insight_filter_method(c, method, out);
		else if (out != c)
			memcpy(out, c, sizeof(*out));
		return;
	}
	insight_peer_counters(pc, (uint32_t)peer, out);
	out->mono = c->mono;
	out->real = c->real;
	memcpy(out->frames, c->frames, sizeof(out->frames));
	if (method < 0)
		return;
	for (d = 0; d < SIPSTAT_DIR_MAX; d++)
		for (m = 0; m < SIPSTAT_M_MAX; m++)
			if (m != method)
				memset(&out->keys[SIPSTAT_KEY(d, m, 0)], 0,
				       SIPSTAT_ROW_SLOTS * sizeof(out->keys[0]));
	counters_derive(out);
}

int insight_check_peers(const struct options *o)
{
	struct peers_table t;
	char msg[512];
	int e;

	if (!o->peers_file)
		return 0;
	e = peers_load(o->peers_file, NULL, &t, msg, sizeof(msg));
	peers_table_free(&t);
	if (e == -EINVAL) {
		fprintf(stderr, "sipstat: %s\nTry 'sipstat --help' for more information.\n", msg);
		return 2;
	}
	if (e) {
		fprintf(stderr, "sipstat: %s\n", msg);
		return 1;
	}
	return 0;
}

int insight_peers_pinned(const char *ifname, const char *file, char *done, size_t dlen,
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

void insight_pinned_export(struct insight_pinned *ip, const char *ifname, int ncpus,
			   int export_failing, struct export_iface *x)
{
	struct peers_maps m;
	struct pinned p;
	char msg[256];

	if (pin_open(ifname, &p, msg, sizeof(msg)))
		return;
	if (!pinned_peer_maps(&p, &m)) {
		peers_table_free(&ip->names);
		peers_names_read(ifname, &ip->names);
		if (!peers_counts_read(m.counts_fd, ncpus, &ip->pc)) {
			x->peers = &ip->pc;
			x->peer_names = &ip->names;
		}
		if (export_failing && !failing_read(m.failing_fd, ncpus, &ip->fl)) {
			x->failing = &ip->fl;
			x->failing_top = export_failing;
		}
		peers_maps_close(&m);
	}
	pin_close(&p);
}

void insight_pinned_free(struct insight_pinned *ip)
{
	peers_counts_free(&ip->pc);
	failing_free(&ip->fl);
	peers_table_free(&ip->names);
}

int insight_file_changed(const char *path, struct insight_stamp *st)
{
	struct timespec mt = { 0 };
	ino_t ino = 0;

	if (!path || file_stamp(path, &mt, &ino))
		return 0;
	if (mt.tv_sec == st->mtime.tv_sec && mt.tv_nsec == st->mtime.tv_nsec && ino == st->ino)
		return 0;
	st->mtime = mt;
	st->ino = ino;
	return 1;
}

/* ------------------------------------------------------------ text */

static uint64_t since(const struct counters *b, const struct counters *c, int m, int cls)
{
	uint64_t before = 0, after = 0;
	int code;

	for (code = cls * 100; code < cls * 100 + 100; code++) {
		before += b ? counters_code_method(b, COUNTERS_DIR_ALL, m, code) : 0;
		after += counters_code_method(c, COUNTERS_DIR_ALL, m, code);
	}
	return counters_delta(before, after);
}

static uint64_t requests_since(const struct counters *b, const struct counters *c, int m)
{
	return counters_delta(b ? counters_requests(b, COUNTERS_DIR_ALL, m) : 0,
			      counters_requests(c, COUNTERS_DIR_ALL, m));
}

/* Methods (rows) by class (columns), totals since b; 75 columns wide. */
static void method_table(FILE *f, const struct counters *b, const struct counters *c,
			 bool requests, const char *indent)
{
	int m, cls, rows = 0;

	for (m = 0; m < SIPSTAT_M_MAX; m++) {
		uint64_t row[SIP_CLASS_COUNT + 1], any = 0;

		for (cls = 1; cls <= SIP_CLASS_COUNT; cls++)
			any += row[cls] = since(b, c, m, cls);
		if (requests)
			any += requests_since(b, c, m);
		if (!any)
			continue;
		if (!rows++) {
			fprintf(f, "%s%-10s", indent, "method");
			if (requests)
				fprintf(f, " %8s", "requests");
			for (cls = 1; cls <= SIP_CLASS_COUNT; cls++)
				fprintf(f, " %8s", sip_class_label(cls));
			fputc('\n', f);
		}
		fprintf(f, "%s%-10s", indent, counters_method_name(m));
		if (requests)
			fprintf(f, " %8" PRIu64, requests_since(b, c, m));
		for (cls = 1; cls <= SIP_CLASS_COUNT; cls++)
			fprintf(f, " %8" PRIu64, row[cls]);
		fputc('\n', f);
	}
}

static void kpi_line(FILE *f, const char *indent, const char *what, const struct kpi *k,
		     bool responses_only)
{
	int id, last = responses_only ? KPI_NER : KPI_MAX - 1;

	fprintf(f, "%s%s:", indent, what);
	for (id = 0; id <= last; id++) {
		char up[8];
		int i;

		for (i = 0; kpi_name(id)[i] && i < 7; i++)
			up[i] = (char)(kpi_name(id)[i] - 'a' + 'A');
		up[i] = '\0';
		if (k->valid[id])
			fprintf(f, " %s %.1f%%", up, k->pct[id]);
		else
			fprintf(f, " %s -", up);
	}
	fputc('\n', f);
}

static void codes_by_method(FILE *f, const struct counters *b, const struct counters *c)
{
	int code, m;

	for (code = SIPSTAT_CODE_MIN; code <= SIPSTAT_CODE_MAX; code++) {
		int shown = 0;

		for (m = 0; m < SIPSTAT_M_MAX; m++) {
			uint64_t n = counters_delta(
				counters_code_method(b, COUNTERS_DIR_ALL, m, code),
				counters_code_method(c, COUNTERS_DIR_ALL, m, code));

			if (!n)
				continue;
			if (!shown++)
				fprintf(f, "  %d %-.24s by method:", code, sip_code_reason(code));
			fprintf(f, " %s %" PRIu64, counters_method_name(m), n);
		}
		if (shown)
			fputc('\n', f);
	}
}

static void peer_blocks(FILE *f, const struct insight *in)
{
	struct counters *pb = calloc(1, sizeof(*pb)), *pcur = calloc(1, sizeof(*pcur));
	bool seen[SIPSTAT_PEERS_MAX + 1] = { false };
	char buf[16];
	uint32_t peer;
	int i;

	if (!pb || !pcur)
		goto out;
	for (i = 0; i < in->cur.n; i++)
		seen[peers_key_peer(in->cur.e[i].key)] = true;
	for (peer = 1; peer <= SIPSTAT_PEERS_MAX + 1; peer++) {
		uint32_t p = peer % (SIPSTAT_PEERS_MAX + 1);	/* named first, "other" last */
		struct kpi k;
		uint64_t resp;

		if (!seen[p])
			continue;
		insight_peer_counters(&in->base, p, pb);
		insight_peer_counters(&in->cur, p, pcur);
		resp = counters_delta(counters_outcome(pb, COUNTERS_DIR_ALL, COUNTERS_RESPONSES),
				      counters_outcome(pcur, COUNTERS_DIR_ALL, COUNTERS_RESPONSES));
		if (!resp)
			continue;
		fprintf(f, "  peer %s: responses %" PRIu64 "\n",
			peers_name(&in->table, p, buf, sizeof(buf)), resp);
		method_table(f, pb, pcur, false, "    ");
		kpi_of(pb, pcur, COUNTERS_DIR_ALL, &k);
		kpi_line(f, "    ", "KPIs", &k, true);
	}
out:
	free(pb);
	free(pcur);
}

static void failing_text(FILE *f, const struct insight *in)
{
	const struct failing_entry *top[FAILING_TOP_MAX];
	char a[64];
	int cls, i, n;

	for (cls = 4; cls <= 6; cls++) {
		n = failing_top(&in->fcur, cls, -1, in->failing_top, top);
		fprintf(f, "  failing %dxx:", cls);
		for (i = 0; i < n; i++) {
			peers_addr_format(top[i]->addr, a, sizeof(a));
			fprintf(f, "%s %s %s %" PRIu64, i ? "," : "", a,
				counters_dir_name(top[i]->dir), top[i]->total);
		}
		fprintf(f, "%s\n", n ? "" : " none");
	}
}

/* Responses the kernel could not count per peer (its hash was full), since base. */
static uint64_t overflow(const struct report *r)
{
	return counters_delta(counters_code_method(r->base, COUNTERS_DIR_ALL, SIPSTAT_M_UNKNOWN,
						   SIPSTAT_O_PEER_OVERFLOW),
			      counters_code_method(r->cur, COUNTERS_DIR_ALL, SIPSTAT_M_UNKNOWN,
						   SIPSTAT_O_PEER_OVERFLOW));
}

void insight_text(FILE *f, const struct report *r)
{
	const struct insight *in = r->insight;
	struct kpi tot, ivl;

	method_table(f, r->base, r->cur, true, "  ");
	kpi_of(r->base, r->cur, COUNTERS_DIR_ALL, &tot);
	kpi_of(r->prev, r->cur, COUNTERS_DIR_ALL, &ivl);
	kpi_line(f, "  ", "KPIs", &tot, false);
	if (r->verbose > 0) {
		kpi_line(f, "  ", "KPIs of the interval", &ivl, false);
		codes_by_method(f, r->base, r->cur);
	}
	if (!in)
		return;
	if (in->per_peer && in->have_maps) {
		uint64_t over = overflow(r);

		peer_blocks(f, in);
		if (over)
			fprintf(f, "  peer_overflow %" PRIu64 " (responses not counted per peer: "
				   "the per-peer table is full)\n", over);
	}
	if (in->failing_top && in->have_maps)
		failing_text(f, in);
}

/* ------------------------------------------------------------ live view */

static void kpi_text(char *buf, size_t len, const struct kpi *k, bool responses_only)
{
	int id, last = responses_only ? KPI_NER : KPI_MAX - 1;
	size_t n = 0;

	buf[0] = '\0';
	for (id = 0; id <= last && n < len; id++) {
		char up[8];
		int i;

		for (i = 0; kpi_name(id)[i] && i < 7; i++)
			up[i] = (char)(kpi_name(id)[i] - 'a' + 'A');
		up[i] = '\0';
		n += (size_t)(k->valid[id] ? snprintf(buf + n, len - n, "%s%s %.1f%%", id ? "  " : "",
						      up, k->pct[id])
					   : snprintf(buf + n, len - n, "%s%s -", id ? "  " : "", up));
	}
}

int insight_method_lines(const struct counters *b, const struct counters *c,
			 char (*lines)[INSIGHT_LINE], int max)
{
	struct kpi k;
	int m, cls, n = 0;

	if (max < 4)
		return 0;
	snprintf(lines[n++], INSIGHT_LINE, "responses by method (CSeq) and class, since start or reset");
	snprintf(lines[n], INSIGHT_LINE, "%-10s %8s", "method", "requests");
	for (cls = 1; cls <= SIP_CLASS_COUNT; cls++)
		snprintf(lines[n] + strlen(lines[n]), INSIGHT_LINE - strlen(lines[n]), " %7s",
			 sip_class_label(cls));
	n++;
	for (m = 0; m < SIPSTAT_M_MAX && n < max - 1; m++) {
		uint64_t any = requests_since(b, c, m);
		size_t l;

		for (cls = 1; cls <= SIP_CLASS_COUNT; cls++)
			any += since(b, c, m, cls);
		if (!any)
			continue;
		snprintf(lines[n], INSIGHT_LINE, "%-10s %8" PRIu64, counters_method_name(m),
			 requests_since(b, c, m));
		for (cls = 1; cls <= SIP_CLASS_COUNT; cls++) {
			l = strlen(lines[n]);
			snprintf(lines[n] + l, INSIGHT_LINE - l, " %7" PRIu64, since(b, c, m, cls));
		}
		n++;
	}
	kpi_of(b, c, COUNTERS_DIR_ALL, &k);
	kpi_text(lines[n++], INSIGHT_LINE, &k, false);
	return n;
}

/* Responses and 4xx-6xx of one peer since the first reading. */
static void peer_figures(const struct insight *in, uint32_t p, struct counters *pb,
			 struct counters *pc, struct view_peer *out)
{
	int cls;

	insight_peer_counters(&in->base, p, pb);
	insight_peer_counters(&in->cur, p, pc);
	out->id = (int)p;
	out->responses = counters_delta(counters_outcome(pb, COUNTERS_DIR_ALL, COUNTERS_RESPONSES),
					counters_outcome(pc, COUNTERS_DIR_ALL, COUNTERS_RESPONSES));
	out->failures = 0;
	for (cls = 4; cls <= 6; cls++)
		out->failures += counters_delta(counters_class(pb, COUNTERS_DIR_ALL, cls),
						counters_class(pc, COUNTERS_DIR_ALL, cls));
}

int insight_peer_list(const struct insight *in, struct view_peer *out, int max)
{
	struct counters *pb, *pc;
	bool seen[SIPSTAT_PEERS_MAX + 1] = { false };
	char buf[16];
	uint32_t peer;
	int i, n = 0;

	if (!in || !in->have_maps)
		return 0;
	pb = calloc(1, sizeof(*pb));
	pc = calloc(1, sizeof(*pc));
	if (!pb || !pc)
		goto out;
	for (i = 0; i < in->cur.n; i++)
		seen[peers_key_peer(in->cur.e[i].key)] = true;
	for (peer = 1; peer <= SIPSTAT_PEERS_MAX + 1 && n < max; peer++) {
		uint32_t p = peer % (SIPSTAT_PEERS_MAX + 1);

		if (!seen[p])
			continue;
		peer_figures(in, p, pb, pc, &out[n]);
		snprintf(out[n].name, sizeof(out[n].name), "%s",
			 peers_name(&in->table, p, buf, sizeof(buf)));
		n++;
	}
out:
	free(pb);
	free(pc);
	return n;
}

int insight_peer_lines(const struct insight *in, const struct view_peer *order, int norder,
		       int sel, const char *sorted_by, char (*lines)[INSIGHT_LINE], int max)
{
	struct counters *pb, *pc;
	const struct failing_entry *top[3];
	char a[64], kt[16], row[256];
	int i, j, cls, n = 0, k;

	if (!in || !in->have_maps || max < 8) {
		if (max > 0)
			snprintf(lines[n++], INSIGHT_LINE, "no per-peer table in this program");
		return n;
	}
	pb = calloc(1, sizeof(*pb));
	pc = calloc(1, sizeof(*pc));
	if (!pb || !pc)
		goto out;
	snprintf(lines[n++], INSIGHT_LINE, "responses per peer (--peers), since start, by %s",
		 sorted_by ? sorted_by : "failures");
	snprintf(lines[n++], INSIGHT_LINE, "  %-16s %8s %7s %7s %7s %7s %9s", "peer", "responses",
		 "2xx", "4xx", "5xx", "6xx", "ASR");
	for (j = 0; j < norder && n < max - 4; j++) {
		uint32_t p = (uint32_t)order[j].id;
		struct kpi kp;

		insight_peer_counters(&in->base, p, pb);
		insight_peer_counters(&in->cur, p, pc);
		kpi_of(pb, pc, COUNTERS_DIR_ALL, &kp);
		snprintf(kt, sizeof(kt), kp.valid[KPI_ASR] ? "%.1f%%" : "-", kp.pct[KPI_ASR]);
		snprintf(row, sizeof(row),
			 "%c %-16.16s %8" PRIu64 " %7" PRIu64 " %7" PRIu64 " %7" PRIu64 " %7" PRIu64
			 " %9s",
			 order[j].id == sel ? '>' : ' ', order[j].name,
			 counters_delta(counters_outcome(pb, COUNTERS_DIR_ALL, COUNTERS_RESPONSES),
					counters_outcome(pc, COUNTERS_DIR_ALL, COUNTERS_RESPONSES)),
			 counters_delta(counters_class(pb, COUNTERS_DIR_ALL, 2),
					counters_class(pc, COUNTERS_DIR_ALL, 2)),
			 counters_delta(counters_class(pb, COUNTERS_DIR_ALL, 4),
					counters_class(pc, COUNTERS_DIR_ALL, 4)),
			 counters_delta(counters_class(pb, COUNTERS_DIR_ALL, 5),
					counters_class(pc, COUNTERS_DIR_ALL, 5)),
			 counters_delta(counters_class(pb, COUNTERS_DIR_ALL, 6),
					counters_class(pc, COUNTERS_DIR_ALL, 6)),
			 kt);
		/* Cut to the box's width: the figures fit at any count a screen can show. */
		snprintf(lines[n++], INSIGHT_LINE, "%.79s", row);
	}
	for (cls = 4; cls <= 6 && n < max; cls++) {
		size_t l;

		k = failing_top(&in->fcur, cls, -1, 3, top);
		snprintf(lines[n], INSIGHT_LINE, "failing %dxx:%s", cls, k ? "" : " none");
		for (i = 0; i < k; i++) {
			l = strlen(lines[n]);
			peers_addr_format(top[i]->addr, a, sizeof(a));
			snprintf(lines[n] + l, INSIGHT_LINE - l, " %s %" PRIu64, a, top[i]->total);
		}
		n++;
	}
out:
	free(pb);
	free(pc);
	return n;
}

void insight_filter_method(const struct counters *in, int method, struct counters *out)
{
	int d;

	memset(out->keys, 0, sizeof(out->keys));
	out->mono = in->mono;
	out->real = in->real;
	memcpy(out->frames, in->frames, sizeof(out->frames));
	for (d = 0; d < SIPSTAT_DIR_MAX && method >= 0 && method < SIPSTAT_M_MAX; d++)
		memcpy(&out->keys[SIPSTAT_KEY(d, method, 0)], &in->keys[SIPSTAT_KEY(d, method, 0)],
		       SIPSTAT_ROW_SLOTS * sizeof(out->keys[0]));
	counters_derive(out);
}

int insight_next_method(const struct counters *c, int cur)
{
	int m, code;

	for (m = cur + 1; m < SIPSTAT_M_MAX; m++) {
		if (counters_requests(c, COUNTERS_DIR_ALL, m))
			return m;
		for (code = SIPSTAT_CODE_MIN; code <= SIPSTAT_CODE_MAX; code++)
			if (counters_code_method(c, COUNTERS_DIR_ALL, m, code))
				return m;
	}
	return -1;
}

/* ------------------------------------------------------------ JSON */

static void json_kpis(FILE *f, const char *name, const struct kpi *k, bool responses_only)
{
	int id, last = responses_only ? KPI_NER : KPI_MAX - 1;

	fprintf(f, ",\"%s\":{", name);
	for (id = 0; id <= last; id++) {
		fprintf(f, "%s\"%s\":", id ? "," : "", kpi_name(id));
		if (k->valid[id])
			fprintf(f, "%.3f", k->pct[id]);
		else
			fputs("null", f);
	}
	fputc('}', f);
}

/* "methods":{"INVITE":{"requests":N,"classes":{...},"codes":{"200":N}}}, totals since b. */
static void json_methods(FILE *f, const struct counters *b, const struct counters *c,
			 bool requests)
{
	int m, cls, code, first = 1;

	fprintf(f, ",\"methods\":{");
	for (m = 0; m < SIPSTAT_M_MAX; m++) {
		uint64_t any = requests ? requests_since(b, c, m) : 0;
		int fc = 1;

		for (cls = 1; cls <= SIP_CLASS_COUNT; cls++)
			any += since(b, c, m, cls);
		if (!any)
			continue;
		fprintf(f, "%s\"%s\":{", first ? "" : ",", counters_method_name(m));
		first = 0;
		if (requests)
			fprintf(f, "\"requests\":%" PRIu64 ",", requests_since(b, c, m));
		fprintf(f, "\"classes\":{");
		for (cls = 1; cls <= SIP_CLASS_COUNT; cls++)
			fprintf(f, "%s\"%s\":%" PRIu64, cls > 1 ? "," : "", sip_class_label(cls),
				since(b, c, m, cls));
		fprintf(f, "},\"codes\":{");
		for (code = SIPSTAT_CODE_MIN; code <= SIPSTAT_CODE_MAX; code++) {
			uint64_t n = counters_delta(
				b ? counters_code_method(b, COUNTERS_DIR_ALL, m, code) : 0,
				counters_code_method(c, COUNTERS_DIR_ALL, m, code));

			if (!n)
				continue;
			fprintf(f, "%s\"%d\":%" PRIu64, fc ? "" : ",", code, n);
			fc = 0;
		}
		fprintf(f, "}}");
	}
	fputc('}', f);
}

static void json_peers(FILE *f, const struct insight *in)
{
	struct counters *pb = calloc(1, sizeof(*pb)), *pcur = calloc(1, sizeof(*pcur));
	bool seen[SIPSTAT_PEERS_MAX + 1] = { false };
	char buf[16];
	uint32_t peer;
	int i, first = 1;

	fprintf(f, ",\"peers\":[");
	if (!pb || !pcur)
		goto out;
	for (i = 0; i < in->cur.n; i++)
		seen[peers_key_peer(in->cur.e[i].key)] = true;
	for (peer = 1; peer <= SIPSTAT_PEERS_MAX + 1; peer++) {
		uint32_t p = peer % (SIPSTAT_PEERS_MAX + 1);
		struct kpi k;

		if (!seen[p] && !(p && in->table.names[p][0]))
			continue;
		insight_peer_counters(&in->base, p, pb);
		insight_peer_counters(&in->cur, p, pcur);
		fprintf(f, "%s{\"peer\":", first ? "" : ",");
		json_string(f, peers_name(&in->table, p, buf, sizeof(buf)));
		fprintf(f, ",\"responses\":%" PRIu64,
			counters_delta(counters_outcome(pb, COUNTERS_DIR_ALL, COUNTERS_RESPONSES),
				       counters_outcome(pcur, COUNTERS_DIR_ALL, COUNTERS_RESPONSES)));
		json_methods(f, pb, pcur, false);
		kpi_of(pb, pcur, COUNTERS_DIR_ALL, &k);
		json_kpis(f, "kpis", &k, true);
		fputc('}', f);
		first = 0;
	}
out:
	fputc(']', f);
	free(pb);
	free(pcur);
}

static void json_failing(FILE *f, const struct insight *in)
{
	const struct failing_entry *top[FAILING_TOP_MAX];
	char a[64];
	int cls, i, n;

	fprintf(f, ",\"failing\":{");
	for (cls = 4; cls <= 6; cls++) {
		n = failing_top(&in->fcur, cls, -1, in->failing_top, top);
		fprintf(f, "%s\"%dxx\":[", cls > 4 ? "," : "", cls);
		for (i = 0; i < n; i++) {
			peers_addr_format(top[i]->addr, a, sizeof(a));
			fprintf(f, "%s{\"address\":\"%s\",\"dir\":\"%s\",\"total\":%" PRIu64
				   ",\"delta\":%" PRIu64 "}",
				i ? "," : "", a, counters_dir_name(top[i]->dir), top[i]->total,
				top[i]->delta);
		}
		fputc(']', f);
	}
	fputc('}', f);
}

void insight_json(FILE *f, const struct report *r)
{
	const struct insight *in = r->insight;
	struct kpi tot, ivl;

	kpi_of(r->base, r->cur, COUNTERS_DIR_ALL, &tot);
	kpi_of(r->prev, r->cur, COUNTERS_DIR_ALL, &ivl);
	json_kpis(f, "kpis", &tot, false);
	json_kpis(f, "kpis_interval", &ivl, false);
	json_methods(f, r->base, r->cur, true);
	if (in && in->have_maps && (in->has_names || in->per_peer)) {
		json_peers(f, in);
		fprintf(f, ",\"peer_overflow\":%" PRIu64, overflow(r));
	}
	if (in && in->have_maps && in->failing_top)
		json_failing(f, in);
}
