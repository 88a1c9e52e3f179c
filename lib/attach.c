// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * One loaded copy of the XDP program per interface, attached through a BPF
 * link: if sipstat dies, the kernel closes the link and the program is gone
 * from the interface.  Counters are read with one batch lookup per map.
 */
#include <errno.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "loader.h"
#include "sipstat.skel.h"

#define VERIFIER_LOG_SIZE (1 << 20)
#define VERIFIER_LOG_TAIL_LINES 20

static void errf(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
}

/* Print the last lines of the verifier log to stderr. */
static void print_log_tail(const char *log)
{
	const char *p = log + strlen(log);
	int lines = 0;

	while (p > log && lines <= VERIFIER_LOG_TAIL_LINES) {
		p--;
		if (*p == '\n')
			lines++;
	}
	if (*p == '\n')
		p++;
	fprintf(stderr, "sipstat: verifier log (last %d lines):\n%s", VERIFIER_LOG_TAIL_LINES, p);
}

/* Find the BPF link that holds an XDP program on ifindex; -1 if none. */
static int find_xdp_link(int ifindex)
{
	struct bpf_link_info info;
	__u32 id = 0, len;
	int fd;

	while (!bpf_link_get_next_id(id, &id)) {
		fd = bpf_link_get_fd_by_id(id);
		if (fd < 0)
			continue;
		memset(&info, 0, sizeof(info));
		len = sizeof(info);
		if (!bpf_obj_get_info_by_fd(fd, &info, &len) && info.type == BPF_LINK_TYPE_XDP &&
		    (int)info.xdp.ifindex == ifindex)
			return fd;
		close(fd);
	}
	return -1;
}

/* Remove whatever XDP program is on ifindex, link-based or not. */
static int remove_existing(int ifindex, const struct bpf_xdp_query_opts *q)
{
	int fd, err;

	fd = find_xdp_link(ifindex);
	if (fd >= 0) {
		err = bpf_link_detach(fd);
		close(fd);
		return err;
	}
	if (q->skb_prog_id && (err = bpf_xdp_detach(ifindex, XDP_FLAGS_SKB_MODE, NULL)))
		return err;
	if (q->drv_prog_id && (err = bpf_xdp_detach(ifindex, XDP_FLAGS_DRV_MODE, NULL)))
		return err;
	return 0;
}

static int prog_name_by_id(__u32 id, char *name, size_t len)
{
	struct bpf_prog_info info;
	__u32 ilen = sizeof(info);
	int fd = bpf_prog_get_fd_by_id(id);

	name[0] = '\0';
	if (fd < 0)
		return -1;
	memset(&info, 0, sizeof(info));
	if (!bpf_obj_get_info_by_fd(fd, &info, &ilen))
		snprintf(name, len, "%s", info.name);
	close(fd);
	return 0;
}

static int link_xdp(int prog_fd, int ifindex, __u32 flags)
{
	LIBBPF_OPTS(bpf_link_create_opts, opts, .flags = flags);

	return bpf_link_create(prog_fd, ifindex, BPF_XDP, &opts);
}

static const char *perm_hint(void)
{
	return geteuid() ? "run as root (or with CAP_BPF, CAP_PERFMON and CAP_NET_ADMIN)"
			 : "check that the kernel allows BPF (kernel.unprivileged_bpf_disabled, "
			   "lockdown, seccomp)";
}

int attach_iface(struct attachment *a, const char *ifname, enum xdp_mode_opt mode, bool force,
		 int verbose, char *err, size_t errlen)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	char *log = NULL, other[BPF_OBJ_NAME_LEN];
	int prog_fd, fd, e;

	memset(a, 0, sizeof(*a));
	a->link_fd = -1;
	snprintf(a->ifname, sizeof(a->ifname), "%s", ifname);

	a->ifindex = (int)if_nametoindex(ifname);
	if (!a->ifindex) {
		errf(err, errlen, "no such interface: %s (see 'ip link' for the names here)", ifname);
		return -1;
	}

	a->ncpus = libbpf_num_possible_cpus();
	if (a->ncpus < 1) {
		errf(err, errlen, "cannot count possible CPUs: %s", strerror(-a->ncpus));
		return -1;
	}
	/* One buffer large enough for the biggest per-CPU read (the code map). */
	a->percpu_buf = calloc((size_t)a->ncpus * SIPSTAT_CODE_SLOTS, sizeof(__u64));
	if (!a->percpu_buf) {
		errf(err, errlen, "out of memory");
		return -1;
	}

	e = bpf_xdp_query(a->ifindex, 0, &q);
	if (e) {
		errf(err, errlen, "cannot query XDP state of %s: %s; %s", ifname, strerror(-e),
		     e == -EPERM ? perm_hint() : "is this kernel built with XDP?");
		goto fail;
	}
	if (q.prog_id || q.drv_prog_id || q.skb_prog_id || q.hw_prog_id) {
		__u32 id = q.prog_id ? q.prog_id :
			   q.drv_prog_id ? q.drv_prog_id : q.skb_prog_id ? q.skb_prog_id : q.hw_prog_id;

		prog_name_by_id(id, other, sizeof(other));
		if (!force) {
			errf(err, errlen,
			     "cannot attach to %s: another XDP program (id %u%s%s) is attached; "
			     "use --force to replace it",
			     ifname, id, other[0] ? ", " : "", other);
			goto fail;
		}
		e = remove_existing(a->ifindex, &q);
		if (e) {
			errf(err, errlen, "cannot remove the XDP program (id %u) on %s: %s", id, ifname,
			     strerror(-e));
			goto fail;
		}
		fprintf(stderr, "sipstat: %s: replaced XDP program id %u%s%s (--force)\n", ifname, id,
			other[0] ? " " : "", other);
	}

	a->skel = sipstat_bpf__open();
	if (!a->skel) {
		errf(err, errlen, "cannot open the BPF object: %s", strerror(errno));
		goto fail;
	}
	if (verbose > 0) {
		log = calloc(1, VERIFIER_LOG_SIZE);
		if (log) {
			bpf_program__set_log_buf(a->skel->progs.sipstat_xdp, log, VERIFIER_LOG_SIZE);
			bpf_program__set_log_level(a->skel->progs.sipstat_xdp, 1);
		}
	}
	e = sipstat_bpf__load(a->skel);
	if (e) {
		if (e == -EPERM || e == -EACCES) {
			if (log && log[0])
				print_log_tail(log);
			errf(err, errlen, "cannot load the XDP program: %s; %s", strerror(-e),
			     log && log[0] ? "the verifier rejected it (log above)" : perm_hint());
		} else {
			if (log && log[0])
				print_log_tail(log);
			errf(err, errlen, "cannot load the XDP program: %s%s", strerror(-e),
			     verbose ? "" : "; run with -v for the verifier log");
		}
		goto fail;
	}
	free(log);
	log = NULL;

	prog_fd = bpf_program__fd(a->skel->progs.sipstat_xdp);
	switch (mode) {
	case MODE_NATIVE:
		fd = link_xdp(prog_fd, a->ifindex, XDP_FLAGS_DRV_MODE);
		if (fd < 0) {
			e = errno;
			errf(err, errlen, "cannot attach in native mode to %s: %s%s", ifname,
			     strerror(e),
			     e == EOPNOTSUPP || e == EINVAL ?
				     "; the driver lacks native XDP: use --mode skb" : "");
			goto fail;
		}
		a->mode = MODE_NATIVE;
		break;
	case MODE_SKB:
		fd = link_xdp(prog_fd, a->ifindex, XDP_FLAGS_SKB_MODE);
		if (fd < 0) {
			e = errno;
			errf(err, errlen, "cannot attach in skb mode to %s: %s", ifname, strerror(e));
			goto fail;
		}
		a->mode = MODE_SKB;
		break;
	default:
		fd = link_xdp(prog_fd, a->ifindex, XDP_FLAGS_DRV_MODE);
		a->mode = MODE_NATIVE;
		if (fd < 0 && (errno == EOPNOTSUPP || errno == EINVAL)) {
			fprintf(stderr,
				"sipstat: %s: native XDP not supported by the driver, using skb mode\n",
				ifname);
			fd = link_xdp(prog_fd, a->ifindex, XDP_FLAGS_SKB_MODE);
			a->mode = MODE_SKB;
		}
		if (fd < 0) {
			e = errno;
			errf(err, errlen, "cannot attach to %s: %s%s", ifname, strerror(e),
			     e == EPERM ? "; run as root" :
			     e == EBUSY ? "; another XDP program is attached, use --force" : "");
			goto fail;
		}
	}
	a->link_fd = fd;
	return 0;

fail:
	free(log);
	detach_iface(a);
	return -1;
}

int attachment_set_ports(struct attachment *a, const uint16_t *ports, int n)
{
	__u64 bits[SIPSTAT_PORT_WORDS] = { 0 };
	volatile __u64 *live = a->skel->data->sip_ports;
	int i;

	for (i = 0; i < n; i++)
		bits[ports[i] >> 6] |= 1ULL << (ports[i] & 63);
	/* Word by word: a port whose bit does not change is never unset, even briefly. */
	for (i = 0; i < SIPSTAT_PORT_WORDS; i++)
		if (live[i] != bits[i])
			live[i] = bits[i];
	return 0;
}

/* Per-CPU array: values of all keys into out[key], summed over CPUs. */
static int read_percpu_array(struct attachment *a, int fd, __u32 nkeys, size_t value_size,
			     uint64_t *out)
{
	size_t stride = (value_size + 7) & ~(size_t)7;
	size_t per_key = stride * (size_t)a->ncpus;
	unsigned char *buf = a->percpu_buf;
	__u32 keys[SIPSTAT_CODE_SLOTS];
	__u32 done = 0, count, next = 0, k, w;
	void *in = NULL;
	int e;

	if (nkeys * per_key > (size_t)a->ncpus * SIPSTAT_CODE_SLOTS * sizeof(__u64))
		return -EINVAL;
	while (done < nkeys) {
		count = nkeys - done;
		e = bpf_map_lookup_batch(fd, in, &next, keys + done, buf + done * per_key, &count,
					 NULL);
		if (e && e != -ENOENT)
			goto one_by_one;
		done += count;
		if (e == -ENOENT || !count)
			break;
		in = &next;
	}
	if (done != nkeys)
		goto one_by_one;
	for (k = 0; k < nkeys; k++)
		for (w = 0; w < value_size / 8; w++)
			out[(size_t)keys[k] * (value_size / 8) + w] =
				percpu_sum(buf + k * per_key + (size_t)w * 8, a->ncpus, stride);
	return 0;

one_by_one:
	/* Kernels without batch ops for per-CPU arrays (before 5.6). */
	for (k = 0; k < nkeys; k++) {
		e = bpf_map_lookup_elem(fd, &k, buf);
		if (e)
			return e;
		for (w = 0; w < value_size / 8; w++)
			out[(size_t)k * (value_size / 8) + w] =
				percpu_sum(buf + (size_t)w * 8, a->ncpus, stride);
	}
	return 0;
}

int attachment_read(struct attachment *a, struct snapshot *s)
{
	int e;

	clock_gettime(CLOCK_MONOTONIC, &s->mono);
	clock_gettime(CLOCK_REALTIME, &s->real);
	e = read_percpu_array(a, bpf_map__fd(a->skel->maps.sip_codes), SIPSTAT_CODE_SLOTS,
			      sizeof(__u64), s->codes);
	if (e)
		return e;
	return read_percpu_array(a, bpf_map__fd(a->skel->maps.sip_parser), 1,
				 sizeof(struct sipstat_counters), s->parser);
}

int attachment_alive(struct attachment *a)
{
	struct bpf_link_info info;
	__u32 len = sizeof(info);

	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(a->link_fd, &info, &len))
		return 0;
	return info.xdp.ifindex != 0;
}

int attachment_iface_present(const struct attachment *a)
{
	return a->ifindex > 0 && if_nametoindex(a->ifname) == (unsigned int)a->ifindex;
}

void detach_iface(struct attachment *a)
{
	if (a->link_fd >= 0)
		close(a->link_fd);
	a->link_fd = -1;
	sipstat_bpf__destroy(a->skel);
	a->skel = NULL;
	free(a->percpu_buf);
	a->percpu_buf = NULL;
}
