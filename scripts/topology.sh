#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# The end-to-end SIP topology: three network namespaces joined by two veth
# pairs, with Kamailio as a stateful proxy in the middle one.
#
#   PREFIXuac                  PREFIXproxy                       PREFIXuas
#   uac0 -------------- p-uac  [Kamailio]  p-uas -------------- uas0
#   198.18.1.2      198.18.1.1             198.18.2.1      198.18.2.2
#   2001:db8:1::2   2001:db8:1::1          2001:db8:2::1   2001:db8:2::2
#
# The proxy namespace does not forward IP: every SIP message between the
# two sides goes through Kamailio.  Only 198.18.0.0/15 and 2001:db8::/32
# are used, and nothing here touches the host namespace's interfaces.
#
# As a command:
#   scripts/topology.sh create  [PREFIX]   (default PREFIX: sse-)
#   scripts/topology.sh destroy [PREFIX]   kills what runs in the three
#                                          namespaces, then removes them
# Sourced (". scripts/topology.sh"), it only defines the topo_* functions
# below, for the test suites and the demo.

TOPO_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOPO_KAMAILIO_CFG=$TOPO_DIR/kamailio/kamailio.cfg

TOPO_UAC4=198.18.1.2
TOPO_PROXY_UAC4=198.18.1.1
TOPO_PROXY_UAS4=198.18.2.1
TOPO_UAS4=198.18.2.2
TOPO_UAC6=2001:db8:1::2
TOPO_PROXY_UAC6=2001:db8:1::1
TOPO_PROXY_UAS6=2001:db8:2::1
TOPO_UAS6=2001:db8:2::2

# topo_names PREFIX: set TOPO_NS_UAC TOPO_NS_PROXY TOPO_NS_UAS.
topo_names() {
	TOPO_NS_UAC=${1}uac
	TOPO_NS_PROXY=${1}proxy
	TOPO_NS_UAS=${1}uas
}

topo_mac() {
	ip -n "$1" link show "$2" | awk '$1 == "link/ether" { print $2; exit }'
}

# topo_quiet_ns NS: lo up and, before any link exists (default.* applies to
# new links), no forwarding and no IPv6 chatter of the kernel's own on the
# wire -- no link-local address (so no DAD and no router solicitation), no
# RA processing, MLD reports right at link-up instead of up to 10 s later.
# The links then carry test traffic and nothing else, which lets the tests
# compare frame counts.
topo_quiet_ns() {
	ip -n "$1" link set lo up || return 1
	ip netns exec "$1" sysctl -qw net.ipv4.ip_forward=0 \
		net.ipv6.conf.all.forwarding=0 \
		net.ipv6.conf.all.accept_ra=0 \
		net.ipv6.conf.default.accept_ra=0 \
		net.ipv6.conf.default.router_solicitations=0 \
		net.ipv6.conf.default.dad_transmits=0 \
		net.ipv6.conf.default.addr_gen_mode=1 \
		net.ipv6.conf.default.mldv1_unsolicited_report_interval=1 \
		net.ipv6.conf.default.mldv2_unsolicited_report_interval=1
}

# topo_build: the namespaces, links and addresses (TOPO_NS_* set); stops
# at the first failure.
topo_build() {
	local ns
	ip netns add "$TOPO_NS_UAC" || return 1
	ip netns add "$TOPO_NS_PROXY" || return 1
	ip netns add "$TOPO_NS_UAS" || return 1
	for ns in "$TOPO_NS_UAC" "$TOPO_NS_PROXY" "$TOPO_NS_UAS"; do
		topo_quiet_ns "$ns" || return 1
	done
	# Both ends of each pair are made directly inside the namespaces.
	ip -n "$TOPO_NS_PROXY" link add p-uac type veth peer name uac0 netns "$TOPO_NS_UAC" || return 1
	ip -n "$TOPO_NS_PROXY" link add p-uas type veth peer name uas0 netns "$TOPO_NS_UAS" || return 1
	ip -n "$TOPO_NS_UAC" addr add "$TOPO_UAC4/24" dev uac0 || return 1
	ip -n "$TOPO_NS_UAC" addr add "$TOPO_UAC6/64" dev uac0 nodad || return 1
	ip -n "$TOPO_NS_PROXY" addr add "$TOPO_PROXY_UAC4/24" dev p-uac || return 1
	ip -n "$TOPO_NS_PROXY" addr add "$TOPO_PROXY_UAC6/64" dev p-uac nodad || return 1
	ip -n "$TOPO_NS_PROXY" addr add "$TOPO_PROXY_UAS4/24" dev p-uas || return 1
	ip -n "$TOPO_NS_PROXY" addr add "$TOPO_PROXY_UAS6/64" dev p-uas nodad || return 1
	ip -n "$TOPO_NS_UAS" addr add "$TOPO_UAS4/24" dev uas0 || return 1
	ip -n "$TOPO_NS_UAS" addr add "$TOPO_UAS6/64" dev uas0 nodad || return 1
	ip -n "$TOPO_NS_UAC" link set uac0 up || return 1
	ip -n "$TOPO_NS_PROXY" link set p-uac up || return 1
	ip -n "$TOPO_NS_PROXY" link set p-uas up || return 1
	ip -n "$TOPO_NS_UAS" link set uas0 up || return 1
}

# topo_neigh MAC_UAC MAC_PUAC MAC_PUAS MAC_UAS: permanent neighbour entries.
topo_neigh() {
	ip -n "$TOPO_NS_UAC" neigh replace "$TOPO_PROXY_UAC4" lladdr "$2" dev uac0 nud permanent || return 1
	ip -n "$TOPO_NS_UAC" neigh replace "$TOPO_PROXY_UAC6" lladdr "$2" dev uac0 nud permanent || return 1
	ip -n "$TOPO_NS_PROXY" neigh replace "$TOPO_UAC4" lladdr "$1" dev p-uac nud permanent || return 1
	ip -n "$TOPO_NS_PROXY" neigh replace "$TOPO_UAC6" lladdr "$1" dev p-uac nud permanent || return 1
	ip -n "$TOPO_NS_PROXY" neigh replace "$TOPO_UAS4" lladdr "$4" dev p-uas nud permanent || return 1
	ip -n "$TOPO_NS_PROXY" neigh replace "$TOPO_UAS6" lladdr "$4" dev p-uas nud permanent || return 1
	ip -n "$TOPO_NS_UAS" neigh replace "$TOPO_PROXY_UAS4" lladdr "$3" dev uas0 nud permanent || return 1
	ip -n "$TOPO_NS_UAS" neigh replace "$TOPO_PROXY_UAS6" lladdr "$3" dev uas0 nud permanent || return 1
}

# topo_create PREFIX: make the namespaces, links and addresses.  Fails
# (returns 1, after removing what it made) if any of them exists already.
topo_create() {
	local p=$1 ns m_uac m_puac m_puas m_uas
	topo_names "$p"
	for ns in "$TOPO_NS_UAC" "$TOPO_NS_PROXY" "$TOPO_NS_UAS"; do
		if [[ -e /run/netns/$ns ]]; then
			echo "topology: namespace $ns exists already (another run? 'scripts/topology.sh destroy $p' removes it)" >&2
			return 1
		fi
	done
	if ! topo_build; then
		echo "topology: could not build the topology with prefix $p" >&2
		topo_destroy "$p"
		return 1
	fi
	# Static neighbours: no ARP / neighbour discovery in the middle of a
	# run, so the frames on the wire are the SIP ones and nothing else.
	m_uac=$(topo_mac "$TOPO_NS_UAC" uac0)
	m_puac=$(topo_mac "$TOPO_NS_PROXY" p-uac)
	m_puas=$(topo_mac "$TOPO_NS_PROXY" p-uas)
	m_uas=$(topo_mac "$TOPO_NS_UAS" uas0)
	if ! topo_neigh "$m_uac" "$m_puac" "$m_puas" "$m_uas"; then
		echo "topology: could not set static neighbours" >&2
		topo_destroy "$p"
		return 1
	fi
}

# topo_destroy PREFIX: kill every process left in the three namespaces and
# remove them (the veth pairs go with them).  Safe to call twice.
topo_destroy() {
	local p=$1 ns pid i
	topo_names "$p"
	for ns in "$TOPO_NS_UAC" "$TOPO_NS_PROXY" "$TOPO_NS_UAS"; do
		[[ -e /run/netns/$ns ]] || continue
		for pid in $(ip netns pids "$ns" 2>/dev/null); do
			kill -TERM "$pid" 2>/dev/null
		done
		for ((i = 0; i < 20; i++)); do
			[[ -z $(ip netns pids "$ns" 2>/dev/null) ]] && break
			sleep 0.1
		done
		for pid in $(ip netns pids "$ns" 2>/dev/null); do
			kill -KILL "$pid" 2>/dev/null
		done
		ip netns del "$ns" 2>/dev/null
	done
	return 0
}

# topo_kamailio_start PREFIX RUNDIR: run Kamailio in the proxy namespace,
# in the foreground (-DD) as a background job of this shell, with its pid
# file, control socket and log in RUNDIR.  Sets TOPO_KAM_PID (the job),
# TOPO_KAM_CTL (for kamcmd -s) and TOPO_KAM_LOG.  Waits until it answers
# on the control socket; returns 1 (log tail on stderr) if it does not.
topo_kamailio_start() {
	local p=$1 rundir=$2 i
	topo_names "$p"
	TOPO_KAM_CTL=$rundir/kamailio_ctl
	TOPO_KAM_LOG=$rundir/kamailio.log
	ip netns exec "$TOPO_NS_PROXY" kamailio -f "$TOPO_KAMAILIO_CFG" -DD -E \
		-Y "$rundir" -P "$rundir/kamailio.pid" -w "$rundir" \
		-A "CTL_SOCK=\"unix:$TOPO_KAM_CTL\"" \
		>"$TOPO_KAM_LOG" 2>&1 </dev/null &
	TOPO_KAM_PID=$!
	for ((i = 0; i < 100; i++)); do
		if ! kill -0 "$TOPO_KAM_PID" 2>/dev/null; then
			echo "topology: kamailio exited at start:" >&2
			tail -n 20 "$TOPO_KAM_LOG" >&2
			return 1
		fi
		if [[ -S $TOPO_KAM_CTL ]] &&
			kamcmd -s "unix:$TOPO_KAM_CTL" core.uptime >/dev/null 2>&1; then
			return 0
		fi
		sleep 0.1
	done
	echo "topology: kamailio did not answer on $TOPO_KAM_CTL within 10 s:" >&2
	tail -n 20 "$TOPO_KAM_LOG" >&2
	return 1
}

# topo_stop_pid PID SIGNAL SECONDS: send SIGNAL, wait up to SECONDS for the
# process to end, then SIGKILL.  TOPO_RC gets its exit status.
topo_stop_pid() {
	local pid=$1 sig=$2 t=$3 i
	TOPO_RC=0
	[[ -n $pid ]] || return 0
	kill "-$sig" "$pid" 2>/dev/null
	for ((i = 0; i < t * 10; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	TOPO_RC=$?
}

# topo_stop_pids SIGNAL SECONDS PID...: signal them all at once, then
# topo_stop_pid each, so they wind down together.
topo_stop_pids() {
	local sig=$1 t=$2 p
	shift 2
	for p in "$@"; do
		kill "-$sig" "$p" 2>/dev/null
	done
	for p in "$@"; do
		topo_stop_pid "$p" "$sig" "$t"
	done
}

# topo_kamailio_stop: SIGTERM, then SIGKILL after 5 s.
topo_kamailio_stop() {
	topo_stop_pid "${TOPO_KAM_PID:-}" TERM 5
	TOPO_KAM_PID=
}

# topo_kamcmd ARGS...: kamcmd against the running Kamailio.
topo_kamcmd() {
	kamcmd -s "unix:$TOPO_KAM_CTL" "$@"
}

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
	set -u
	if [[ $EUID -ne 0 ]]; then
		echo "topology: needs root (network namespaces)" >&2
		exit 1
	fi
	case ${1:-} in
	create) topo_create "${2:-sse-}" ;;
	destroy) topo_destroy "${2:-sse-}" ;;
	*)
		echo "usage: $0 create|destroy [PREFIX]   (namespaces PREFIXuac, PREFIXproxy, PREFIXuas; default PREFIX sse-)" >&2
		exit 2
		;;
	esac
fi
