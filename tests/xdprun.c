// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * BPF_PROG_TEST_RUN of single frames, and counter reads with one batch
 * lookup per map (700 code slots in one system call, not 700).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "sipstat.skel.h"
#include "xdprun.h"

#define ETH_HLEN 14

static void errf(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
}

int xdprun_open(struct xdprun *x, char *err, size_t errlen)
{
	memset(x, 0, sizeof(*x));
	x->ncpus = libbpf_num_possible_cpus();
	if (x->ncpus < 1) {
		errf(err, errlen, "libbpf_num_possible_cpus: %s", strerror(-x->ncpus));
		return -1;
	}
	x->percpu_buf = calloc((size_t)x->ncpus * SIPSTAT_CODE_SLOTS, sizeof(__u64));
	if (!x->percpu_buf) {
		errf(err, errlen, "out of memory");
		return -1;
	}
	x->skel = sipstat_bpf__open_and_load();
	if (!x->skel) {
		int e = errno;

		errf(err, errlen, "load sipstat.bpf.o: %s (errno %d)%s", strerror(e), e,
		     e == EPERM ? "; run as root" : "");
		free(x->percpu_buf);
		x->percpu_buf = NULL;
		return -1;
	}
	x->prog_fd = bpf_program__fd(x->skel->progs.sipstat_xdp);
	x->parser_fd = bpf_map__fd(x->skel->maps.sip_parser);
	x->codes_fd = bpf_map__fd(x->skel->maps.sip_codes);
	return 0;
}

void xdprun_close(struct xdprun *x)
{
	sipstat_bpf__destroy(x->skel);
	x->skel = NULL;
	free(x->percpu_buf);
	x->percpu_buf = NULL;
}

void xdprun_set_ports(struct xdprun *x, bool all, const uint16_t *list, size_t n)
{
	__u64 *bits = x->skel->data->sip_ports;
	size_t i;

	memset(bits, all ? 0xff : 0, sizeof(x->skel->data->sip_ports));
	for (i = 0; !all && i < n; i++)
		bits[list[i] / 64] |= 1ULL << (list[i] % 64);
}

static int read_codes(struct xdprun *x, __u64 *out)
{
	static __u32 keys[SIPSTAT_CODE_SLOTS];
	const __u64 *v = x->percpu_buf;
	__u32 next = 0, count = SIPSTAT_CODE_SLOTS, k;
	int cpu, e;

	if (!x->no_batch) {
		e = bpf_map_lookup_batch(x->codes_fd, NULL, &next, keys, x->percpu_buf, &count,
					 NULL);
		if ((e == 0 || e == -ENOENT) && count == SIPSTAT_CODE_SLOTS) {
			for (k = 0; k < SIPSTAT_CODE_SLOTS; k++) {
				out[keys[k]] = 0;
				for (cpu = 0; cpu < x->ncpus; cpu++)
					out[keys[k]] += v[(size_t)k * x->ncpus + cpu];
			}
			return 0;
		}
		x->no_batch = true;
	}
	for (k = 0; k < SIPSTAT_CODE_SLOTS; k++) {
		if (bpf_map_lookup_elem(x->codes_fd, &k, x->percpu_buf))
			return -errno;
		out[k] = 0;
		for (cpu = 0; cpu < x->ncpus; cpu++)
			out[k] += v[cpu];
	}
	return 0;
}

int xdprun_read_parser(struct xdprun *x, __u64 c[SIPSTAT_C_MAX])
{
	const struct sipstat_counters *pc = x->percpu_buf;
	__u32 key = 0;
	int cpu, i;

	if (bpf_map_lookup_elem(x->parser_fd, &key, x->percpu_buf))
		return -errno;
	for (i = 0; i < SIPSTAT_C_MAX; i++) {
		c[i] = 0;
		for (cpu = 0; cpu < x->ncpus; cpu++)
			c[i] += pc[cpu].c[i];
	}
	return 0;
}

int xdprun_read_code(struct xdprun *x, __u32 code, __u64 *total)
{
	const __u64 *v = x->percpu_buf;
	int cpu;

	if (bpf_map_lookup_elem(x->codes_fd, &code, x->percpu_buf))
		return -errno;
	*total = 0;
	for (cpu = 0; cpu < x->ncpus; cpu++)
		*total += v[cpu];
	return 0;
}

int xdprun_read(struct xdprun *x, struct xdprun_counts *out)
{
	int e = xdprun_read_parser(x, out->c);

	return e ? e : read_codes(x, out->code);
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

int xdprun_frame(struct xdprun *x, const void *frame, size_t len, struct xdprun_result *res)
{
	static __u8 in[XDPRUN_FRAME_MAX + 32], out[XDPRUN_FRAME_MAX + 64];
	int e;

	memset(res, 0, sizeof(*res));
	if (len == 0 || len > XDPRUN_FRAME_MAX)
		return -EINVAL;
	e = run_once(x, frame, len, in, out, sizeof(out), res);
	if (e == -EINVAL && len < ETH_HLEN && !x->short_meta) {
		x->short_meta = true;
		e = run_once(x, frame, len, in, out, sizeof(out), res);
	}
	return e;
}
