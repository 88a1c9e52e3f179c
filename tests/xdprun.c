// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * BPF_PROG_TEST_RUN of single frames, and reads of sip_counts through
 * the one per-CPU reader (lib/reader.c).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "xdprun.h"	/* sipstat.h first: the skeleton names its struct sipstat_ports */
#include "sipstat.skel.h"
#include "batch.h"

#define ETH_HLEN 14

static void errf(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
}

static int on_event(void *ctx, void *data, size_t size)
{
	struct xdprun *x = ctx;

	if (x->n_ev == XDPRUN_EVENTS_MAX || size != sizeof(struct sipstat_event)) {
		x->ev_dropped++;
		return 0;
	}
	memcpy(&x->ev[x->n_ev++], data, sizeof(struct sipstat_event));
	return 0;
}

int xdprun_events(struct xdprun *x)
{
	int e;

	x->n_ev = 0;
	x->ev_dropped = 0;
	e = ring_buffer__consume(x->rb);
	return e < 0 ? e : (int)x->n_ev;
}

void xdprun_set_events(struct xdprun *x, const __u64 *codes)
{
	struct sipstat_cfg *cfg = &x->skel->data_sip_cfg->sip_cfg;

	if (codes)
		memcpy(cfg->event_codes, codes, sizeof(cfg->event_codes));
	else
		memset(cfg->event_codes, 0, sizeof(cfg->event_codes));
	cfg->event_rate = 0;
}

const __u64 *xdprun_event_codes(const struct xdprun *x)
{
	return x->skel->data_sip_cfg->sip_cfg.event_codes;
}

void xdprun_set_cseq(struct xdprun *x, bool on)
{
	struct sipstat_cfg *cfg = &x->skel->data_sip_cfg->sip_cfg;

	cfg->flags = on ? cfg->flags | SIPSTAT_CFG_METHODS : cfg->flags & ~SIPSTAT_CFG_METHODS;
}

void xdprun_set_flags(struct xdprun *x, __u32 mask, __u32 bits)
{
	struct sipstat_cfg *cfg = &x->skel->data_sip_cfg->sip_cfg;

	cfg->flags = (cfg->flags & ~mask) | (bits & mask);
}

bool xdprun_cseq(const struct xdprun *x)
{
	return x->skel->data_sip_cfg->sip_cfg.flags & SIPSTAT_CFG_METHODS;
}

int xdprun_open(struct xdprun *x, char *err, size_t errlen)
{
	int e;

	memset(x, 0, sizeof(*x));
	e = reader_init(&x->rd);
	if (e) {
		errf(err, errlen, "cannot count the possible CPUs: %s", strerror(-e));
		return -1;
	}
	x->key_vals = calloc((size_t)x->rd.ncpus, sizeof(__u64));
	if (!x->key_vals) {
		errf(err, errlen, "out of memory");
		return -1;
	}
	x->skel = sipstat_bpf__open_and_load();
	if (!x->skel) {
		e = errno;
		errf(err, errlen, "load sipstat.bpf.o: %s (errno %d)%s", strerror(e), e,
		     e == EPERM ? "; run as root" : "");
		reader_free(&x->rd);
		free(x->key_vals);
		x->key_vals = NULL;
		return -1;
	}
	x->prog_fd = bpf_program__fd(x->skel->progs.sipstat_xdp);
	x->batch_fd = bpf_program__fd(x->skel->progs.sipstat_xdp_batch);
	x->counts_fd = bpf_map__fd(x->skel->maps.sip_counts);
	x->rb = ring_buffer__new(bpf_map__fd(x->skel->maps.sip_events), on_event, x, NULL);
	if (!x->rb) {
		e = errno;
		errf(err, errlen, "ring buffer of sip_events: %s", strerror(e));
		xdprun_close(x);
		return -1;
	}
	/*
	 * No rate limit: with the records drained after each frame, every
	 * event wanted is sent.  Responses by their CSeq method, and nothing
	 * the reference decoder does not model.
	 */
	x->skel->data_sip_cfg->sip_cfg.event_rate = 0;
	x->skel->data_sip_cfg->sip_cfg.flags = SIPSTAT_CFG_METHODS;
	return 0;
}

void xdprun_close(struct xdprun *x)
{
	ring_buffer__free(x->rb);
	x->rb = NULL;
	sipstat_bpf__destroy(x->skel);
	x->skel = NULL;
	reader_free(&x->rd);
	free(x->key_vals);
	x->key_vals = NULL;
}

void xdprun_set_ports(struct xdprun *x, bool all, const uint16_t *list, size_t n)
{
	__u64 *bits = x->skel->data_sip_ports->sip_ports.w;
	size_t i;

	memset(bits, all ? 0xff : 0, sizeof(x->skel->data_sip_ports->sip_ports));
	for (i = 0; !all && i < n; i++)
		bits[list[i] / 64] |= 1ULL << (list[i] % 64);
}

int xdprun_read(struct xdprun *x, struct xdprun_counts *out)
{
	return reader_percpu_u64(&x->rd, x->counts_fd, SIPSTAT_COUNT_KEYS, (uint64_t *)out->v);
}

int xdprun_read_key(struct xdprun *x, __u32 key, __u64 *total)
{
	if (bpf_map_lookup_elem(x->counts_fd, &key, x->key_vals))
		return -errno;
	*total = reader_sum(x->key_vals, x->rd.ncpus, sizeof(__u64));
	return 0;
}

/*
 * BPF_PROG_TEST_RUN refuses data shorter than an Ethernet header, so a
 * shorter frame goes in as 14 bytes with ctx_in.data_end at its real
 * length (newer kernels; the rest becomes a fragment the program does
 * not read), or, on kernels that refuse that, as metadata in front of
 * the frame (ctx_in.data).  Either way the program sees exactly len
 * bytes, and ctx_out.data_end - ctx_out.data says so.
 */
static int run_once(struct xdprun *x, const void *frame, size_t len, __u8 *in, __u8 *out,
		    size_t out_cap, struct xdprun_result *res)
{
	struct xdp_md ctx_in, ctx_out;
	size_t meta = 0, in_len = len;
	int e;
	LIBBPF_OPTS(bpf_test_run_opts, opts);

	memset(&ctx_in, 0, sizeof(ctx_in));
	memset(&ctx_out, 0, sizeof(ctx_out));
	if (len < ETH_HLEN && !x->short_meta) {
		in_len = ETH_HLEN;
		ctx_in.data_end = (__u32)len;
	} else if (len < ETH_HLEN) {
		meta = (ETH_HLEN - len + 3) & ~(size_t)3;
		in_len = meta + len;
		ctx_in.data = (__u32)meta;
		ctx_in.data_end = (__u32)in_len;
	}
	memset(in, 0xa5, in_len);
	if (len)
		memcpy(in + meta, frame, len);
	memset(out, 0x5a, out_cap);

	opts.data_in = in;
	opts.data_size_in = (__u32)in_len;
	opts.data_out = out;
	opts.data_size_out = (__u32)out_cap;
	opts.repeat = 1;
	if (len < ETH_HLEN) {
		opts.ctx_in = &ctx_in;
		opts.ctx_size_in = sizeof(ctx_in);
		opts.ctx_out = &ctx_out;
		opts.ctx_size_out = sizeof(ctx_out);
	}
	e = bpf_prog_test_run_opts(x->prog_fd, &opts);
	if (e)
		return -errno;
	res->retval = opts.retval;
	res->in_len = in_len;
	res->out_len = opts.data_size_out;
	res->unchanged = opts.data_size_out == in_len && memcmp(out, in, in_len) == 0;
	res->seen_len = len < ETH_HLEN ? (size_t)(ctx_out.data_end - ctx_out.data) : len;
	return 0;
}

static int run_batch(struct xdprun *x, const void *frame, size_t len, struct xdprun_result *res)
{
	static __u8 in[BATCH_OF_THREE_CAP(XDPRUN_FRAME_MAX)];
	static __u8 out[sizeof(in) + 64];
	size_t used = batch_of_three(in, frame, len);
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = in, .data_out = out,
		    .data_size_out = sizeof(out), .repeat = 1);

	opts.data_size_in = (__u32)used;
	if (bpf_prog_test_run_opts(x->batch_fd, &opts))
		return -errno;
	res->retval = opts.retval == 3 ? XDP_PASS : XDP_ABORTED;
	res->in_len = used;
	res->out_len = opts.data_size_out;
	res->unchanged = opts.data_size_out == sizeof(batch_filler) &&
			 memcmp(out, batch_filler, sizeof(batch_filler)) == 0;
	res->seen_len = len;
	return 0;
}

int xdprun_frame(struct xdprun *x, const void *frame, size_t len, struct xdprun_result *res)
{
	static __u8 in[XDPRUN_FRAME_MAX + 32], out[XDPRUN_FRAME_MAX + 64];
	int e;

	memset(res, 0, sizeof(*res));
	if (len == 0 || len > XDPRUN_FRAME_MAX)
		return -EINVAL;
	if (x->batch)
		return run_batch(x, frame, len, res);
	e = run_once(x, frame, len, in, out, sizeof(out), res);
	if (e == -EINVAL && len < ETH_HLEN && !x->short_meta) {
		x->short_meta = true;
		e = run_once(x, frame, len, in, out, sizeof(out), res);
	}
	return e;
}
