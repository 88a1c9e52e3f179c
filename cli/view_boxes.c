// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The live view's model, continued: the lines of the method box (key m)
 * and of the peers box (key e), and the figures of one CSeq method or one
 * named peer (keys f, n, N).  Pure functions of readings, like view.c.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kpi.h"
#include "out/out.h"
#include "peerwatch.h"
#include "view.h"

static void kpi_text(char *buf, size_t len, const struct kpi *k)
{
	const char *sep;
	size_t n = 0;
	int id;

	buf[0] = '\0';
	for (id = 0; id < KPI_MAX && n < len; id++) {
		sep = id ? "  " : "";
		if (k->valid[id])
			n += (size_t)snprintf(buf + n, len - n, "%s%s %.1f%%", sep, kpi_label(id),
					      k->pct[id]);
		else
			n += (size_t)snprintf(buf + n, len - n, "%s%s -", sep, kpi_label(id));
	}
}

/* lines[n] += printf(fmt, ...), cut at the line's end. */
static void append(char *line, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void append(char *line, const char *fmt, ...)
{
	size_t l = strlen(line);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line + l, VIEW_LINE - l, fmt, ap);
	va_end(ap);
}

int view_method_lines(const struct counters *b, const struct counters *c,
		      char (*lines)[VIEW_LINE], int max)
{
	struct kpi k;
	int m, cls, n = 0;

	if (max < 4)
		return 0;
	snprintf(lines[n++], VIEW_LINE,
		 "responses by method (CSeq) and class, since start or reset");
	snprintf(lines[n], VIEW_LINE, "%-10s %8s", "method", "requests");
	for (cls = 1; cls <= SIP_CLASS_COUNT; cls++)
		append(lines[n], " %7s", sip_class_label(cls));
	n++;
	for (m = 0; m < SIPSTAT_M_MAX && n < max - 1; m++) {
		uint64_t any = counters_requests_since(b, c, m);

		for (cls = 1; cls <= SIP_CLASS_COUNT; cls++)
			any += counters_method_class_since(b, c, m, cls);
		if (!any)
			continue;
		snprintf(lines[n], VIEW_LINE, "%-10s %8" PRIu64, counters_method_name(m),
			 counters_requests_since(b, c, m));
		for (cls = 1; cls <= SIP_CLASS_COUNT; cls++)
			append(lines[n], " %7" PRIu64, counters_method_class_since(b, c, m, cls));
		n++;
	}
	kpi_of(b, c, COUNTERS_DIR_ALL, &k);
	kpi_text(lines[n++], VIEW_LINE, &k);
	return n;
}

/* The figures of one peer since the first reading: pb and pc its counters then and now. */
static void peer_since(const struct peerwatch *pw, uint32_t p, struct counters *pb,
		       struct counters *pc)
{
	peerwatch_counters(&pw->base, p, pb);
	peerwatch_counters(&pw->cur, p, pc);
}

static uint64_t class_since(const struct counters *pb, const struct counters *pc, int cls)
{
	return counters_delta(counters_class(pb, COUNTERS_DIR_ALL, cls),
			      counters_class(pc, COUNTERS_DIR_ALL, cls));
}

static uint64_t responses_since(const struct counters *pb, const struct counters *pc)
{
	return counters_delta(counters_outcome(pb, COUNTERS_DIR_ALL, COUNTERS_RESPONSES),
			      counters_outcome(pc, COUNTERS_DIR_ALL, COUNTERS_RESPONSES));
}

int view_peer_list(const struct peerwatch *pw, struct view_peer *out, int max)
{
	struct counters *pb, *pc;
	bool seen[SIPSTAT_PEERS_MAX + 1] = { false };
	char buf[16];
	uint32_t peer;
	int i, cls, n = 0;

	if (!pw || !pw->have_maps)
		return 0;
	pb = calloc(1, sizeof(*pb));
	pc = calloc(1, sizeof(*pc));
	if (!pb || !pc)
		goto out;
	for (i = 0; i < pw->cur.n; i++)
		seen[peers_key_peer(pw->cur.e[i].key)] = true;
	for (peer = 1; peer <= SIPSTAT_PEERS_MAX + 1 && n < max; peer++) {
		uint32_t p = peer % (SIPSTAT_PEERS_MAX + 1);	/* named first, "other" last */

		if (!seen[p])
			continue;
		peer_since(pw, p, pb, pc);
		out[n].id = (int)p;
		out[n].responses = responses_since(pb, pc);
		out[n].failures = 0;
		for (cls = 4; cls <= 6; cls++)
			out[n].failures += class_since(pb, pc, cls);
		snprintf(out[n].name, sizeof(out[n].name), "%s",
			 peers_name(&pw->table, p, buf, sizeof(buf)));
		n++;
	}
out:
	free(pb);
	free(pc);
	return n;
}

/* One peer's row: responses, 2xx, 4xx-6xx and ASR since the first reading. */
static void peer_row(char *line, const struct view_peer *v, bool sel, const struct counters *pb,
		     const struct counters *pc)
{
	char kt[16], row[256];
	struct kpi kp;

	kpi_of(pb, pc, COUNTERS_DIR_ALL, &kp);
	snprintf(kt, sizeof(kt), kp.valid[KPI_ASR] ? "%.1f%%" : "-", kp.pct[KPI_ASR]);
	snprintf(row, sizeof(row),
		 "%c %-16.16s %8" PRIu64 " %7" PRIu64 " %7" PRIu64 " %7" PRIu64 " %7" PRIu64 " %9s",
		 sel ? '>' : ' ', v->name, responses_since(pb, pc), class_since(pb, pc, 2),
		 class_since(pb, pc, 4), class_since(pb, pc, 5), class_since(pb, pc, 6), kt);
	/* Cut to the box's width: the figures fit at any count a screen can show. */
	snprintf(line, VIEW_LINE, "%.79s", row);
}

int view_peer_lines(const struct peerwatch *pw, const struct view_peer *order, int norder,
		    int sel, const char *sorted_by, char (*lines)[VIEW_LINE], int max)
{
	const struct failing_entry *top[3];
	struct counters *pb, *pc;
	char a[64];
	int i, j, cls, n = 0, k;

	if (!pw || !pw->have_maps || max < 8) {
		if (max > 0)
			snprintf(lines[n++], VIEW_LINE, "no per-peer table in this program");
		return n;
	}
	pb = calloc(1, sizeof(*pb));
	pc = calloc(1, sizeof(*pc));
	if (!pb || !pc)
		goto out;
	snprintf(lines[n++], VIEW_LINE, "responses per peer (--peers), since start, by %s",
		 sorted_by ? sorted_by : "failures");
	snprintf(lines[n++], VIEW_LINE, "  %-16s %8s %7s %7s %7s %7s %9s", "peer", "responses",
		 "2xx", "4xx", "5xx", "6xx", "ASR");
	for (j = 0; j < norder && n < max - 4; j++) {
		peer_since(pw, (uint32_t)order[j].id, pb, pc);
		peer_row(lines[n++], &order[j], order[j].id == sel, pb, pc);
	}
	for (cls = 4; cls <= 6 && n < max; cls++) {
		k = failing_top(&pw->fcur, cls, -1, 3, top);
		snprintf(lines[n], VIEW_LINE, "failing %dxx:%s", cls, k ? "" : " none");
		for (i = 0; i < k; i++) {
			peers_addr_format(top[i]->addr, a, sizeof(a));
			append(lines[n], " %s %" PRIu64, a, top[i]->total);
		}
		n++;
	}
out:
	free(pb);
	free(pc);
	return n;
}

int view_further_lines(const struct out_report *r, char (*lines)[VIEW_LINE], int max)
{
	char *buf = NULL, *line, *save = NULL;
	size_t len = 0;
	FILE *f;
	int n = 0;

	if (!r || max <= 0)
		return 0;
	f = open_memstream(&buf, &len);
	if (!f)
		return 0;
	out_text_further(f, r);
	if (fclose(f)) {
		free(buf);
		return 0;
	}
	for (line = strtok_r(buf, "\n", &save); line && n < max; line = strtok_r(NULL, "\n", &save))
		snprintf(lines[n++], VIEW_LINE, "%s", line + strspn(line, " "));
	free(buf);
	return n;
}

void view_filter_method(const struct counters *in, int method, struct counters *out)
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

int view_next_method(const struct counters *c, int cur)
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

void view_counters_of(const struct counters *c, const struct peers_counts *pc, int peer,
		      int method, struct counters *out)
{
	int d, m;

	if (peer < 0) {
		if (method >= 0)
			view_filter_method(c, method, out);
		else if (out != c)
			memcpy(out, c, sizeof(*out));
		return;
	}
	peerwatch_counters(pc, (uint32_t)peer, out);
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
