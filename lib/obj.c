// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
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

int obj_frags_supported(void)
{
	/* As libxdp probes: load the smallest XDP program with the frags flag. */
	static const struct bpf_insn pass[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = XDP_PASS },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	static int supported = -1;
	LIBBPF_OPTS(bpf_prog_load_opts, o, .prog_flags = BPF_F_XDP_HAS_FRAGS);
	const char *no_frags = getenv("SIPSTAT_NO_FRAGS");
	int fd;

	if (supported >= 0)
		return supported;
	if (no_frags && !strcmp(no_frags, "1"))
		return supported = 0;
	fd = bpf_prog_load(BPF_PROG_TYPE_XDP, "sipstat_probe", "GPL", pass, 2, &o);
	supported = fd >= 0;
	if (fd >= 0)
		close(fd);
	return supported;
}

static struct bpf_program *xdp_prog(const struct sipstat_bpf *skel)
{
	return bpf_program__autoload(skel->progs.sipstat_xdp_frags) ? skel->progs.sipstat_xdp_frags
								     : skel->progs.sipstat_xdp;
}

/*
 * Only the programs to attach are loaded: a kernel without frags (before
 * 5.18) still loads the others.
 */
static void set_progs(struct sipstat_bpf *skel, unsigned int progs)
{
	struct bpf_program *prog;

	bpf_object__for_each_program(prog, skel->obj) {
		bool want = (prog == skel->progs.sipstat_xdp && (progs & OBJ_XDP)) ||
			    (prog == skel->progs.sipstat_xdp_frags && (progs & OBJ_XDP_FRAGS)) ||
			    (prog == skel->progs.sipstat_tc_in && (progs & OBJ_TC_IN)) ||
			    (prog == skel->progs.sipstat_tc_out && (progs & OBJ_TC_OUT)) ||
			    (prog == skel->progs.sipstat_xdp_batch && (progs & OBJ_XDP_BATCH));

		bpf_program__set_autoload(prog, want);
	}
}

int obj_open_progs(struct sipstat_bpf **skelp, unsigned int progs, char *msg, size_t msglen)
{
	int e;

	*skelp = sipstat_bpf__open();
	if (!*skelp) {
		e = -errno;
		snprintf(msg, msglen, "cannot open the BPF object: %s", strerror(-e));
		return e;
	}
	set_progs(*skelp, progs);
	return 0;
}

const char *obj_xdp_section(const struct sipstat_bpf *skel)
{
	return bpf_program__section_name(xdp_prog(skel));
}

struct bpf_object *obj_bpf_object(struct sipstat_bpf *skel)
{
	return skel->obj;
}

int obj_load(struct sipstat_bpf **skelp, const struct obj_reuse *reuse, char *log, size_t loglen,
	     char *msg, size_t msglen)
{
	return obj_load_progs(skelp, reuse, OBJ_XDP, log, loglen, msg, msglen);
}

/*
 * Open, set up and load once.  With log, every loaded program writes its
 * verifier log there: the load stops at the program the verifier refuses,
 * so what stays in the buffer is that program's log.
 */
static int load_once(struct sipstat_bpf **skelp, const struct obj_reuse *reuse,
		     unsigned int progs, char *log, size_t loglen, char *msg, size_t msglen)
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
	set_progs(skel, progs);
	if (log && loglen) {
		log[0] = '\0';
		bpf_object__for_each_program(prog, skel->obj) {
			if (!bpf_program__autoload(prog))
				continue;
			bpf_program__set_log_buf(prog, log, loglen);
			bpf_program__set_log_level(prog, 1);
		}
	}
	if (reuse && ((e = reuse_map(skel->maps.sip_counts, reuse->counts_fd, "counter", msg,
				     msglen)) ||
		      (e = reuse_map(skel->maps.data_sip_ports, reuse->ports_fd, "port set", msg,
				     msglen)) ||
		      (e = reuse_map(skel->maps.sip_meta, reuse->meta_fd, "meta", msg, msglen)) ||
		      (e = reuse_map(skel->maps.sip_peers, reuse->peers_fd, "peer prefix", msg,
				     msglen)) ||
		      (e = reuse_map(skel->maps.sip_peer_counts, reuse->peer_counts_fd,
				     "per-peer counter", msg, msglen)) ||
		      (e = reuse_map(skel->maps.sip_failing, reuse->failing_fd,
				     "failing address", msg, msglen)))) {
		sipstat_bpf__destroy(skel);
		return e;
	}
	e = sipstat_bpf__load(skel);
	if (e) {
		sipstat_bpf__destroy(skel);
		return e;
	}
	*skelp = skel;
	return 0;
}

/*
 * The programs are loaded without a verifier log: a log buffer can only
 * hurt a good load (a kernel returns ENOSPC when the log of a program it
 * accepted did not fit).  Only when the load fails, and a buffer is
 * given, is it loaded once more with the log on, to say why.
 */
int obj_load_progs(struct sipstat_bpf **skelp, const struct obj_reuse *reuse, unsigned int progs,
		   char *log, size_t loglen, char *msg, size_t msglen)
{
	bool logged;
	int e;

	msg[0] = '\0';
	e = load_once(skelp, reuse, progs, NULL, 0, msg, msglen);
	if (!e || msg[0])
		return e;	/* loaded, or failed before the verifier (msg says why) */
	if (log && loglen && !load_once(skelp, reuse, progs, log, loglen, msg, msglen))
		return 0;	/* the second load went through: nothing to report */
	logged = log && loglen && log[0];
	if (e == -EPERM || e == -EACCES)
		snprintf(msg, msglen, "cannot load the XDP program: %s; %s", strerror(-e),
			 logged ? "the verifier rejected it (log above)" : obj_perm_hint());
	else
		snprintf(msg, msglen, "cannot load the XDP program: %s%s", strerror(-e),
			 logged ? " (verifier log above)" : "; run with -v for the verifier log");
	return e;
}

void obj_free(struct sipstat_bpf *skel)
{
	sipstat_bpf__destroy(skel);
}

int obj_prog_fd(const struct sipstat_bpf *skel)
{
	return bpf_program__fd(xdp_prog(skel));
}

int obj_tc_fd(const struct sipstat_bpf *skel, int dir)
{
	struct bpf_program *p = dir == SIPSTAT_DIR_OUT ? skel->progs.sipstat_tc_out
						       : skel->progs.sipstat_tc_in;

	return bpf_program__autoload(p) ? bpf_program__fd(p) : -1;
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

int obj_peers_fd(const struct sipstat_bpf *skel)
{
	return bpf_map__fd(skel->maps.sip_peers);
}

int obj_peer_counts_fd(const struct sipstat_bpf *skel)
{
	return bpf_map__fd(skel->maps.sip_peer_counts);
}

int obj_failing_fd(const struct sipstat_bpf *skel)
{
	return bpf_map__fd(skel->maps.sip_failing);
}

void obj_cfg_set_flags(struct sipstat_bpf *skel, unsigned int flags)
{
	/* The mapped settings: the program sees the change on its next frame. */
	__atomic_fetch_or(&skel->data_sip_cfg->sip_cfg.flags, flags, __ATOMIC_RELAXED);
}

volatile unsigned long long *obj_ports(struct sipstat_bpf *skel)
{
	return (volatile unsigned long long *)skel->data_sip_ports->sip_ports.w;
}
