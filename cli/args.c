// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Command line of sipstat: getopt_long, strict number parsing, exit 2 on misuse. */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <linux/types.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "args.h"
#include "events.h"
#include "listen.h"
#include "ports.h"

#ifndef SIPSTAT_VERSION
#define SIPSTAT_VERSION "0.0.0"
#endif

#define INTERVAL_MIN 0.1
#define INTERVAL_MAX 86400.0

static const char *const command_names[CMD_MAX] = {
	[CMD_WATCH] = "watch",	 [CMD_ATTACH] = "attach", [CMD_DETACH] = "detach",
	[CMD_STATUS] = "status", [CMD_SHOW] = "show",	  [CMD_SERVE] = "serve",
	[CMD_READ] = "read",
};

const char *command_name(enum command c)
{
	return (unsigned int)c < CMD_MAX ? command_names[c] : "?";
}

void print_usage(FILE *f)
{
	fprintf(f,
		"Usage: sipstat -i IFACE [-i IFACE ...] [options] [INTERVAL [COUNT]]\n"
		"       sipstat attach -i IFACE [-i ...] [--mode MODE] [--port LIST] [--reset]\n"
		"                      [--replace] [--force] [--direction DIR] [--multiprog]\n"
		"       sipstat detach -i IFACE [-i ...] | --all [--netns NS|gone]\n"
		"       sipstat status [-i IFACE ...] [-o text|json] [--netns NS|all|gone]\n"
		"       sipstat show [-i IFACE ...] [-o FORMAT] [--per-interface] [-v]\n"
		"       sipstat serve -i IFACE [-i ...] [--mode MODE] [--port LIST] [--replace]\n"
		"                     [--listen ADDR:PORT] [--direction DIR] [--multiprog]\n"
		"       sipstat read FILE [-o FORMAT] [--port LIST] [-v]\n"
		"\n"
		"Count SIP responses by status code on each IFACE with an XDP program and\n"
		"report every INTERVAL seconds (default 1), COUNT times (default: until\n"
		"Ctrl-C). Traffic is never dropped or changed. When IFACE has counters\n"
		"pinned by 'sipstat attach' (or the sipstat@IFACE service), they are read;\n"
		"otherwise the program is attached for the life of the command.\n"
		"\n"
		"Subcommands:\n"
		"  attach   load, attach and pin under /sys/fs/bpf/sipstat/netns:INO:COOKIE/IFACE/\n"
		"           (per network namespace), then return;\n"
		"           counting goes on without any sipstat running. Attaching again\n"
		"           keeps the counts (--reset zeroes them); --port changes the port set\n"
		"  detach   detach and remove every pin sipstat made for IFACE (or --all)\n"
		"  status   what is attached where: mode, ids, since when, ports, totals,\n"
		"           and anything half-done\n"
		"  show     the pinned totals once, for scripts\n"
		"  serve    attach like 'attach', then stay in the foreground until SIGTERM,\n"
		"           re-attaching when an interface comes back (the systemd unit)\n"
		"  read     count a capture file (pcap, pcapng) with the same program, run\n"
		"           on each frame in the kernel (BPF_PROG_TEST_RUN), and report once\n"
		"\n"
		"Options:\n"
		"  -i, --interface IFACE  interface; repeat for several (max %d)\n"
		"  -m, --mode MODE        ingress through XDP in native, skb or auto mode\n"
		"                         (default auto: native, falling back to skb with\n"
		"                         a notice), or tc: the TC clsact ingress hook,\n"
		"                         beside any XDP program of another tool\n"
		"      --direction DIR    in (received), out (sent, on TC clsact egress)\n"
		"                         or both (default)\n"
		"      --multiprog        watching mode: join libxdp's dispatcher as its\n"
		"                         first program, beside XDP programs already there\n"
		"                         (kernels that allow freplace programs)\n"
		"  -p, --port LIST        UDP ports that carry SIP: numbers, ranges, service\n"
		"                         names, e.g. sip,5062,15060-15069; repeat to add\n"
		"                         (default %d). On pinned counters: changed live\n"
		"  -o, --output FORMAT    text (default), json (one object per line), or for\n"
		"                         monitoring: prometheus, openmetrics, influx, csv\n"
		"                         (totals as counters)\n"
		"      --listen ADDR:PORT watching mode, serve: a Prometheus endpoint at\n"
		"                         http://ADDR:PORT/metrics (default 127.0.0.1:9065;\n"
		"                         ':9065' and '[::1]:9065' work too)\n"
		"  -t, --top              full-screen live view, refreshed every INTERVAL\n"
		"                         (keys: q quit, s sort, j/k select, r reset,\n"
		"                         p pause, c parser counters, h help); NO_COLOR\n"
		"                         is honoured; without a terminal on stdout, the\n"
		"                         report of -o is printed instead\n"
		"  -f, --force            replace an XDP program of another tool on IFACE in\n"
		"                         one step (it stays if sipstat's cannot attach);\n"
		"                         the replaced program is gone for good, not put\n"
		"                         back when sipstat exits or detaches\n"
		"      --per-interface    text: a block per interface after the sum\n"
		"      --alert RULE       watching mode, --top, serve: an alert rule, e.g.\n"
		"                         'code=503 rate>50/s for 10s', 'class=5xx ratio>5%%\n"
		"                         over 60s', 'code=603 count>0'; repeat for more\n"
		"                         (default: class=6xx count>0, at once)\n"
		"      --alert-exec PATH  run PATH for each alert, without a shell: the\n"
		"                         alert in arguments and SIPSTAT_* variables\n"
		"      --alert-timeout S  kill a hook still running after S seconds (5)\n"
		"      --alert-log WHERE  journal, syslog or none (default)\n"
		"      --event-codes LIST codes and classes that send a kernel event the\n"
		"                         moment they are seen, e.g. 6xx,503,408 (6xx)\n"
		"      --event-rate R/s[,B] events per second per CPU, burst B (100/s,200)\n"
		"      --peers FILE       watching mode, attach, serve: name the peers of\n"
		"                         FILE ('NAME PREFIX...' lines) and count per peer;\n"
		"                         a changed file applies live\n"
		"      --per-peer         text: method x class and codes per named peer\n"
		"      --failing N        text: the N addresses sending most 4xx, 5xx, 6xx\n"
		"      --export-failing N exports: the same N per class, as labels\n"
		"      --reset            attach: zero the pinned counters\n"
		"      --replace          attach, serve: swap in this sipstat's program; pinned\n"
		"                         maps of another layout are replaced, their counts\n"
		"                         carried over where the layouts allow\n"
		"      --all              detach: every interface sipstat pinned (in the\n"
		"                         network namespace)\n"
		"      --netns NS         status, detach: the pins of network namespace NS\n"
		"                         (a name under /run/netns, an nsfs path or an\n"
		"                         inode), of every one (all: status from the host\n"
		"                         does that), or of those gone (gone)\n"
		"  -v, --verbose          meanings, requests by method and parser outcomes\n"
		"                         in text reports; twice: libbpf messages and the\n"
		"                         verifier log\n"
		"  -h, --help             show this help\n"
		"  -V, --version          show the version\n"
		"\n"
		"Examples:\n"
		"  sipstat -i eth0                      report every second until Ctrl-C\n"
		"  sipstat -i eth0 -i eth1 5 12         two NICs, 5 s reports for a minute\n"
		"  sipstat -i eth0 -p sip -p 5080 -o json 10 | jq .classes\n"
		"  sipstat -i eth0 --top                live view for the NOC screen\n"
		"  sipstat attach -i eth0               count from now on, unattended\n"
		"  sipstat -i eth0 --mode tc            beside another tool's XDP program\n"
		"  sipstat show -o json | jq .responses.total\n"
		"  systemctl enable --now sipstat@eth0  the same, as a service\n"
		"  sipstat show -o prometheus > x.prom  for a node_exporter textfile collector\n"
		"  sipstat serve -i eth0 --listen 127.0.0.1:9065  an endpoint for Prometheus\n"
		"  sipstat read trace.pcapng -o json    count a capture file\n"
		"  sipstat -i eth0 --alert 'code=503 rate>50/s for 10s' \\\n"
		"    --alert-exec /usr/local/share/sipstat/sipstat-webhook   alerts to a webhook\n"
		"  sipstat -i eth0 --peers /etc/sipstat/peers --per-peer  per trunk\n"
		"\n"
		"A 6xx raises an ALERT line on stderr the moment it is seen (with --top: in\n"
		"the view's alert pane; with -o json: an object of \"type\":\"alert\" too).\n"
		"Exit status: 0 done, 1 runtime failure, 2 usage error.\n",
		MAX_IFACES, SIPSTAT_DEFAULT_PORT);
}

static int usage_error(FILE *err, const char *fmt, const char *arg)
{
	fprintf(err, "sipstat: ");
	fprintf(err, fmt, arg);
	fprintf(err, "\nTry 'sipstat --help' for more information.\n");
	return ARGS_USAGE;
}

/* "eth0" where a number was expected: the user meant -i eth0. */
static bool looks_like_iface(const char *a)
{
	return *a && !isdigit((unsigned char)*a) && *a != '.' && *a != '-' &&
	       strlen(a) < IF_NAMESIZE;
}

enum {
	OPT_RESET = 256,
	OPT_REPLACE,
	OPT_ALL,
	OPT_PER_IFACE,
	OPT_LISTEN,
	OPT_ALERT,
	OPT_ALERT_EXEC,
	OPT_ALERT_TIMEOUT,
	OPT_ALERT_LOG,
	OPT_EVENT_CODES,
	OPT_EVENT_RATE,
	OPT_PEERS,
	OPT_PER_PEER,
	OPT_FAILING,
	OPT_EXPORT_FAILING,
	OPT_DIRECTION,
	OPT_MULTIPROG,
	OPT_NETNS,
};

/* Options each command takes, besides -h, -V and -v. */
static const char *const allowed[CMD_MAX] = {
	[CMD_WATCH] = "impotfPLNQFEDM",
	[CMD_ATTACH] = "impfRXNDM",
	[CMD_DETACH] = "iAS",
	[CMD_STATUS] = "ioS",
	[CMD_SHOW] = "ioPQFE",
	[CMD_SERVE] = "impfXLNEDM",
	[CMD_READ] = "po",
};

/* The alert options: the watching mode and serve; the event settings: attach too. */
static bool alert_allowed(enum command c, int opt)
{
	return (opt >= OPT_ALERT && opt <= OPT_EVENT_RATE && (c == CMD_WATCH || c == CMD_SERVE)) ||
	       ((opt == OPT_EVENT_CODES || opt == OPT_EVENT_RATE) && c == CMD_ATTACH);
}

static char opt_letter(int opt)
{
	switch (opt) {
	case OPT_RESET:
		return 'R';
	case OPT_REPLACE:
		return 'X';
	case OPT_ALL:
		return 'A';
	case OPT_PER_IFACE:
		return 'P';
	case OPT_LISTEN:
		return 'L';
	case OPT_PEERS:
		return 'N';
	case OPT_PER_PEER:
		return 'Q';
	case OPT_FAILING:
		return 'F';
	case OPT_EXPORT_FAILING:
		return 'E';
	case OPT_DIRECTION:
		return 'D';
	case OPT_MULTIPROG:
		return 'M';
	case OPT_NETNS:
		return 'S';
	default:
		return (char)opt;
	}
}

int parse_args(int argc, char **argv, struct options *o, FILE *out, FILE *err)
{
	static const struct option longopts[] = {
		{ "interface", required_argument, NULL, 'i' },
		{ "mode", required_argument, NULL, 'm' },
		{ "port", required_argument, NULL, 'p' },
		{ "output", required_argument, NULL, 'o' },
		{ "force", no_argument, NULL, 'f' },
		{ "top", no_argument, NULL, 't' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "reset", no_argument, NULL, OPT_RESET },
		{ "replace", no_argument, NULL, OPT_REPLACE },
		{ "all", no_argument, NULL, OPT_ALL },
		{ "per-interface", no_argument, NULL, OPT_PER_IFACE },
		{ "listen", required_argument, NULL, OPT_LISTEN },
		{ "alert", required_argument, NULL, OPT_ALERT },
		{ "alert-exec", required_argument, NULL, OPT_ALERT_EXEC },
		{ "alert-timeout", required_argument, NULL, OPT_ALERT_TIMEOUT },
		{ "alert-log", required_argument, NULL, OPT_ALERT_LOG },
		{ "event-codes", required_argument, NULL, OPT_EVENT_CODES },
		{ "event-rate", required_argument, NULL, OPT_EVENT_RATE },
		{ "peers", required_argument, NULL, OPT_PEERS },
		{ "per-peer", no_argument, NULL, OPT_PER_PEER },
		{ "failing", required_argument, NULL, OPT_FAILING },
		{ "export-failing", required_argument, NULL, OPT_EXPORT_FAILING },
		{ "direction", required_argument, NULL, OPT_DIRECTION },
		{ "multiprog", no_argument, NULL, OPT_MULTIPROG },
		{ "netns", required_argument, NULL, OPT_NETNS },
		{ NULL, 0, NULL, 0 },
	};
	char why[160], *end;
	int opt, i, c, first = 1;

	memset(o, 0, sizeof(*o));
	o->mode = ATTACH_AUTO;
	o->dirs = 1U << SIPSTAT_DIR_IN | 1U << SIPSTAT_DIR_OUT;
	o->output = OUT_TEXT;
	o->interval = 1.0;
	o->alert.timeout = ALERT_HOOK_TIMEOUT;
	ports_default(&o->ports);

	if (argc > 1) {
		for (c = 1; c < CMD_MAX; c++) {
			if (!strcmp(argv[1], command_names[c])) {
				o->cmd = (enum command)c;
				first = 2;
				break;
			}
		}
	}
	argc -= first - 1;
	argv += first - 1;

	optind = 0;	/* full re-initialisation: parse_args may run more than once */
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":i:m:p:o:ftvhV", longopts, NULL)) != -1) {
		if (opt != 'h' && opt != 'V' && opt != 'v' && opt != ':' && opt != '?' &&
		    !alert_allowed(o->cmd, opt) &&
		    !strchr(allowed[o->cmd], opt_letter(opt)))
			return usage_error(err, "option '%s' does not apply here",
					   argv[optind - 1]);
		switch (opt) {
		case 'i':
			if (o->nifs == MAX_IFACES)
				return usage_error(err, "too many interfaces (at most 16): %s", optarg);
			if (!*optarg || strlen(optarg) >= IF_NAMESIZE || strchr(optarg, '/'))
				return usage_error(err, "'%s' is not a valid interface name", optarg);
			for (i = 0; i < o->nifs; i++)
				if (!strcmp(o->ifnames[i], optarg))
					return usage_error(err, "interface %s given twice", optarg);
			snprintf(o->ifnames[o->nifs], sizeof(o->ifnames[0]), "%s", optarg);
			o->nifs++;
			break;
		case 'm':
			if (attach_mode_parse(optarg, &o->mode))
				return usage_error(err, "unknown mode '%s': use native, skb, auto or tc",
						   optarg);
			o->mode_given = true;
			break;
		case 'p':
			if (!o->ports_given)
				ports_clear(&o->ports);	/* the first -p replaces the default */
			if (ports_parse(optarg, &o->ports, why, sizeof(why)))
				return usage_error(err, "bad --port %s", why);
			o->ports_given = true;
			break;
		case 'o':
			if (!strcmp(optarg, "text"))
				o->output = OUT_TEXT;
			else if (!strcmp(optarg, "json"))
				o->output = OUT_JSON;
			else if (!strcmp(optarg, "prometheus"))
				o->output = OUT_PROMETHEUS;
			else if (!strcmp(optarg, "openmetrics"))
				o->output = OUT_OPENMETRICS;
			else if (!strcmp(optarg, "influx"))
				o->output = OUT_INFLUX;
			else if (!strcmp(optarg, "csv"))
				o->output = OUT_CSV;
			else
				return usage_error(err,
						   "unknown output '%s': use text, json, prometheus, "
						   "openmetrics, influx or csv",
						   optarg);
			break;
		case 'f':
			o->force = true;
			break;
		case OPT_DIRECTION:
			if (!strcmp(optarg, "in"))
				o->dirs = 1U << SIPSTAT_DIR_IN;
			else if (!strcmp(optarg, "out"))
				o->dirs = 1U << SIPSTAT_DIR_OUT;
			else if (!strcmp(optarg, "both"))
				o->dirs = 1U << SIPSTAT_DIR_IN | 1U << SIPSTAT_DIR_OUT;
			else
				return usage_error(err, "unknown direction '%s': use in, out or both",
						   optarg);
			o->dirs_given = true;
			break;
		case OPT_MULTIPROG:
			o->multiprog = true;
			break;
		case OPT_NETNS:
			if (!*optarg)
				return usage_error(err, "%s--netns needs a namespace: NAME, PATH, INODE, "
						   "all or gone", "");
			o->netns = optarg;
			break;
		case 't':
			o->top = true;
			break;
		case 'v':
			o->verbose++;
			break;
		case OPT_RESET:
			o->reset = true;
			break;
		case OPT_REPLACE:
			o->replace = true;
			break;
		case OPT_ALL:
			o->all = true;
			break;
		case OPT_PER_IFACE:
			o->per_interface = true;
			break;
		case OPT_LISTEN: {
			struct http_listen where;

			if (strlen(optarg) >= sizeof(o->listen) ||
			    http_parse_listen(optarg, &where, why, sizeof(why)))
				return usage_error(err, "bad --listen %s",
						   strlen(optarg) >= sizeof(o->listen) ? "(too long)"
											: why);
			snprintf(o->listen, sizeof(o->listen), "%s", optarg);
			break;
		}
		case OPT_PEERS:
			if (!*optarg)
				return usage_error(err, "%s--peers needs a file: NAME PREFIX... lines", "");
			o->peers_file = optarg;
			break;
		case OPT_PER_PEER:
			o->per_peer = true;
			break;
		case OPT_FAILING:
		case OPT_EXPORT_FAILING:
			errno = 0;
			i = (int)strtol(optarg, &end, 10);
			if (errno || end == optarg || *end || i < 1 || i > 100)
				return usage_error(err, "'%s': the number of failing addresses per class "
						   "must be from 1 to 100", optarg);
			if (opt == OPT_FAILING)
				o->failing_top = i;
			else
				o->export_failing = i;
			break;
		case OPT_ALERT:
			if (alert_opt_rule(&o->alert, optarg, why, sizeof(why)))
				return usage_error(err, "bad --alert: %s", why);
			break;
		case OPT_ALERT_EXEC:
			if (optarg[0] != '/' || access(optarg, X_OK))
				return usage_error(err, "--alert-exec '%s': give the absolute path of an "
						   "executable file", optarg);
			o->alert.exec = optarg;
			break;
		case OPT_ALERT_TIMEOUT:
			if (alert_opt_timeout(&o->alert, optarg, why, sizeof(why)))
				return usage_error(err, "%s", why);
			break;
		case OPT_ALERT_LOG:
			if (alert_opt_log(&o->alert, optarg, why, sizeof(why)))
				return usage_error(err, "%s", why);
			break;
		case OPT_EVENT_CODES:
			if (rule_parse_codes(optarg, o->alert.codes, why, sizeof(why)))
				return usage_error(err, "bad --event-codes: %s", why);
			o->alert.codes_given = true;
			break;
		case OPT_EVENT_RATE:
			if (events_parse_rate(optarg, &o->alert.rate, &o->alert.burst, why, sizeof(why)))
				return usage_error(err, "bad --event-rate %s", why);
			o->alert.rate_given = true;
			break;
		case 'h':
			print_usage(out);
			return ARGS_EXIT_OK;
		case 'V':
			fprintf(out, "sipstat %s\n", SIPSTAT_VERSION);
			return ARGS_EXIT_OK;
		case ':':
			return usage_error(err, "option '%s' needs a value", argv[optind - 1]);
		default:
			return usage_error(err, "unknown option '%s'", argv[optind - 1]);
		}
	}

	if (o->cmd == CMD_WATCH && optind < argc) {
		const char *a = argv[optind++];

		errno = 0;
		o->interval = strtod(a, &end);
		if (errno || end == a || *end || !isfinite(o->interval) ||
		    o->interval < INTERVAL_MIN || o->interval > INTERVAL_MAX) {
			if (looks_like_iface(a) && end == a) {
				fprintf(err,
					"sipstat: '%s' is not an interval in seconds; to count on "
					"interface %s, use: sipstat -i %s\n"
					"Try 'sipstat --help' for more information.\n",
					a, a, a);
				return ARGS_USAGE;
			}
			return usage_error(err,
					   "interval '%s' must be a number of seconds from 0.1 to 86400",
					   a);
		}
	}
	if (o->cmd == CMD_WATCH && optind < argc) {
		const char *a = argv[optind++];

		errno = 0;
		o->count = strtol(a, &end, 10);
		if (errno || end == a || *end || o->count < 1)
			return usage_error(err, "count '%s' must be a whole number of at least 1", a);
	}
	if (o->cmd == CMD_READ && optind < argc)
		o->file = argv[optind++];
	if (optind < argc)
		return usage_error(err, "unexpected argument '%s'", argv[optind]);

	switch (o->cmd) {
	case CMD_WATCH:
	case CMD_ATTACH:
	case CMD_SERVE:
		if (!o->nifs)
			return usage_error(err, "%sno interface given: use -i IFACE", "");
		break;
	case CMD_READ:
		if (!o->file)
			return usage_error(err, "%sread what? give a capture file: sipstat read FILE", "");
		break;
	case CMD_DETACH:
		if (!o->nifs && !o->all)
			return usage_error(err, "%sdetach what? use -i IFACE or --all", "");
		if (o->nifs && o->all)
			return usage_error(err, "%suse either -i IFACE or --all, not both", "");
		if (o->netns && !strcmp(o->netns, "all"))
			return usage_error(err, "%sdetach acts on one network namespace at a time "
						"(or on those gone): --netns NS or --netns gone", "");
		break;
	default:
		break;
	}
	if (o->cmd == CMD_STATUS && o->output != OUT_TEXT && o->output != OUT_JSON)
		return usage_error(err, "%sstatus prints text or json; the counters in other "
					"formats: sipstat show -o FORMAT", "");
	return ARGS_OK;
}
