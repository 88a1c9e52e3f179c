// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "obj.h"
#include "sipstat.h"
#include "sipstat.skel.h"

const char *obj_perm_hint(void)
{
	return geteuid() ? "run as root (or with CAP_BPF, CAP_PERFMON and CAP_NET_ADMIN)"
			 : "check that the kernel allows BPF (kernel.unprivileged_bpf_disabled, "
			   "lockdown, seccomp)";
}

static int reuse_map(struct bpf_map *map, int fd, const char *what, char *msg, size_t msglen)
{
	int e;

	if (fd < 0)
		return 0;
	e = bpf_map__reuse_fd(map, fd);
	if (e)
		snprintf(msg, msglen, "cannot reuse the pinned %s map: %s", what, strerror(-e));
	return e;
}

int obj_load(struct sipstat_bpf **skelp, const struct obj_reuse *reuse, char *log, size_t loglen,
	     char *msg, size_t msglen)
{
	struct sipstat_bpf *skel;
	struct bpf_program *prog;
	int e;

	*skelp = NULL;
	skel = sipstat_bpf__open();
	if (!skel) {
		e = -errno;
		snprintf(msg, msglen, "cannot open the BPF object: %s", strerror(-e));
		return e;
	}
	/* Only the XDP ingress program is attached here: the others stay unloaded. */
	bpf_object__for_each_program(prog, skel->obj)
		if (prog != skel->progs.sipstat_xdp)
			bpf_program__set_autoload(prog, false);
	if (log && loglen) {
		log[0] = '\0';
		bpf_program__set_log_buf(skel->progs.sipstat_xdp, log, loglen);
		bpf_program__set_log_level(skel->progs.sipstat_xdp, 1);
	}
	if (reuse && ((e = reuse_map(skel->maps.sip_counts, reuse->counts_fd, "counter", msg,
				     msglen)) ||
		      (e = reuse_map(skel->maps.data_sip_ports, reuse->ports_fd, "port set", msg,
				     msglen)) ||
		      (e = reuse_map(skel->maps.sip_meta, reuse->meta_fd, "meta", msg, msglen)))) {
		sipstat_bpf__destroy(skel);
		return e;
	}
	e = sipstat_bpf__load(skel);
	if (e) {
		bool logged = log && loglen && log[0];

		if (e == -EPERM || e == -EACCES)
			snprintf(msg, msglen, "cannot load the XDP program: %s; %s", strerror(-e),
				 logged ? "the verifier rejected it (log above)" : obj_perm_hint());
		else
			snprintf(msg, msglen, "cannot load the XDP program: %s%s", strerror(-e),
				 logged ? " (verifier log above)" : "; run with -v for the verifier log");
		sipstat_bpf__destroy(skel);
		return e;
	}
	*skelp = skel;
	return 0;
}

void obj_free(struct sipstat_bpf *skel)
{
	sipstat_bpf__destroy(skel);
}

int obj_prog_fd(const struct sipstat_bpf *skel)
{
	return bpf_program__fd(skel->progs.sipstat_xdp);
}

int obj_counts_fd(const struct sipstat_bpf *skel)
{
	return bpf_map__fd(skel->maps.sip_counts);
}

int obj_ports_fd(const struct sipstat_bpf *skel)
{
	return bpf_map__fd(skel->maps.data_sip_ports);
}

int obj_meta_fd(const struct sipstat_bpf *skel)
{
	return bpf_map__fd(skel->maps.sip_meta);
}

volatile unsigned long long *obj_ports(struct sipstat_bpf *skel)
{
	return (volatile unsigned long long *)skel->data_sip_ports->sip_ports.w;
}
