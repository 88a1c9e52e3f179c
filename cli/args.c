// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Command line of sipstat: one option table and the subcommand table, from
 * which getopt_long's tables, the per-subcommand checks, the usage lines and
 * the help are made; strict number parsing; exit 2 on misuse.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <linux/types.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "args.h"
#include "events.h"
#include "listen.h"
#include "webcfg.h"
#include "ports.h"

#ifndef SIPSTAT_VERSION
#define SIPSTAT_VERSION "0.0.0"
#endif

#define INTERVAL_MIN 0.1
#define INTERVAL_MAX 86400.0
#define FAILING_MAX 100

/* The subcommands as the parser and the help see them (main.c runs them). */
struct args_command {
	const char *name;
	enum args_need need;
	const char *operands;
	const char *summary;
};

#define ARGS_COMMAND_ROW(id, name_, fn, need_, operands_, summary_)                     \
	[CMD_##id] = { .name = (name_), .need = (need_), .operands = (operands_), \
		       .summary = (summary_) },
static const struct args_command commands[CMD_MAX] = { ARGS_COMMANDS(ARGS_COMMAND_ROW) };
#undef ARGS_COMMAND_ROW

const char *command_name(enum command c)
{
	return (unsigned int)c < CMD_MAX ? commands[c].name : "?";
}

static int usage_error(FILE *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int usage_error(FILE *err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("sipstat: ", err);
	vfprintf(err, fmt, ap);
	fputs("\nTry 'sipstat --help' for more information.\n", err);
	va_end(ap);
	return ARGS_USAGE;
}

/* ------------------------------------------------------- option values */

static int set_iface(struct options *o, const char *arg, FILE *err)
{
	int i;

	if (o->nifs == MAX_IFACES)
		return usage_error(err, "too many interfaces (at most %d): %s", MAX_IFACES, arg);
	if (!*arg || strlen(arg) >= IF_NAMESIZE || strchr(arg, '/'))
		return usage_error(err, "'%s' is not a valid interface name", arg);
	for (i = 0; i < o->nifs; i++)
		if (!strcmp(o->ifnames[i], arg))
			return usage_error(err, "interface %s given twice", arg);
	snprintf(o->ifnames[o->nifs], sizeof(o->ifnames[0]), "%s", arg);
	o->nifs++;
	return ARGS_OK;
}

static int set_mode(struct options *o, const char *arg, FILE *err)
{
	if (attach_mode_parse(arg, &o->mode))
		return usage_error(err, "unknown mode '%s': use native, skb, auto or tc", arg);
	o->mode_given = true;
	return ARGS_OK;
}

static int set_port(struct options *o, const char *arg, FILE *err)
{
	char why[160];

	if (!o->ports_given)
		ports_clear(&o->ports);	/* the first -p replaces the default */
	if (ports_parse(arg, &o->ports, why, sizeof(why)))
		return usage_error(err, "bad --port %s", why);
	o->ports_given = true;
	return ARGS_OK;
}

static int set_output(struct options *o, const char *arg, FILE *err)
{
	static const char *const names[] = {
		[OUT_TEXT] = "text",		   [OUT_JSON] = "json",
		[OUT_PROMETHEUS] = "prometheus",   [OUT_OPENMETRICS] = "openmetrics",
		[OUT_INFLUX] = "influx",	   [OUT_CSV] = "csv",
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!strcmp(arg, names[i])) {
			o->output = (enum output_fmt)i;
			return ARGS_OK;
		}
	}
	return usage_error(err, "unknown output '%s': use text, json, prometheus, openmetrics, "
				"influx or csv", arg);
}

static int set_direction(struct options *o, const char *arg, FILE *err)
{
	if (!strcmp(arg, "in"))
		o->dirs = 1U << SIPSTAT_DIR_IN;
	else if (!strcmp(arg, "out"))
		o->dirs = 1U << SIPSTAT_DIR_OUT;
	else if (!strcmp(arg, "both"))
		o->dirs = 1U << SIPSTAT_DIR_IN | 1U << SIPSTAT_DIR_OUT;
	else
		return usage_error(err, "unknown direction '%s': use in, out or both", arg);
	o->dirs_given = true;
	return ARGS_OK;
}

static int set_listen(struct options *o, const char *arg, FILE *err)
{
	struct http_listen where;
	char why[160];

	if (strlen(arg) >= sizeof(o->listen))
		return usage_error(err, "bad --listen (too long)");
	if (http_parse_listen(arg, &where, why, sizeof(why)))
		return usage_error(err, "bad --listen %s", why);
	snprintf(o->listen, sizeof(o->listen), "%s", arg);
	return ARGS_OK;
}

static int set_web_config(struct options *o, const char *arg, FILE *err)
{
	struct webcfg w;
	char why[512];
	int e = webcfg_load(arg, &w, why, sizeof(why));

	if (e == -EINVAL)
		return usage_error(err, "%s", why);
	if (e)	/* cannot be read now: said the same way when the endpoint starts */
		return usage_error(err, "bad --web-config: %s", why);
	webcfg_free(&w);
	o->web_config = arg;
	return ARGS_OK;
}

static int set_netns(struct options *o, const char *arg, FILE *err)
{
	if (!*arg)
		return usage_error(err, "--netns needs a namespace: NAME, PATH, INODE, all or gone");
	o->netns = arg;
	return ARGS_OK;
}

static int set_peers(struct options *o, const char *arg, FILE *err)
{
	if (!*arg)
		return usage_error(err, "--peers needs a file: NAME PREFIX... lines");
	o->peers_file = arg;
	return ARGS_OK;
}

/* --failing and --export-failing: how many addresses per class. */
static int failing_count(const char *arg, int *n, FILE *err)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno || end == arg || *end || v < 1 || v > FAILING_MAX)
		return usage_error(err, "'%s': the number of failing addresses per class must be "
					"from 1 to %d", arg, FAILING_MAX);
	*n = (int)v;
	return ARGS_OK;
}

static int set_failing(struct options *o, const char *arg, FILE *err)
{
	return failing_count(arg, &o->failing_top, err);
}

static int set_export_failing(struct options *o, const char *arg, FILE *err)
{
	return failing_count(arg, &o->export_failing, err);
}

static int set_alert(struct options *o, const char *arg, FILE *err)
{
	char why[160];

	if (alert_opt_rule(&o->alert, arg, why, sizeof(why)))
		return usage_error(err, "bad --alert: %s", why);
	return ARGS_OK;
}

static int set_alert_exec(struct options *o, const char *arg, FILE *err)
{
	char why[160];

	if (alert_opt_exec(&o->alert, arg, why, sizeof(why)))
		return usage_error(err, "--alert-exec '%s': give the absolute path of an executable "
					"file", arg);
	return ARGS_OK;
}

static int set_alert_user(struct options *o, const char *arg, FILE *err)
{
	char why[160];

	if (alert_opt_user(&o->alert, arg, why, sizeof(why)))
		return usage_error(err, "%s", why);
	return ARGS_OK;
}

static int set_alert_timeout(struct options *o, const char *arg, FILE *err)
{
	char why[160];

	if (alert_opt_timeout(&o->alert, arg, why, sizeof(why)))
		return usage_error(err, "%s", why);
	return ARGS_OK;
}

static int set_alert_log(struct options *o, const char *arg, FILE *err)
{
	char why[160];

	if (alert_opt_log(&o->alert, arg, why, sizeof(why)))
		return usage_error(err, "%s", why);
	return ARGS_OK;
}

static int set_event_codes(struct options *o, const char *arg, FILE *err)
{
	char why[160];

	if (rule_parse_codes(arg, o->alert.codes, why, sizeof(why)))
		return usage_error(err, "bad --event-codes: %s", why);
	o->alert.codes_given = true;
	return ARGS_OK;
}

static int set_event_rate(struct options *o, const char *arg, FILE *err)
{
	char why[160];

	if (events_parse_rate(arg, &o->alert.rate, &o->alert.burst, why, sizeof(why)))
		return usage_error(err, "bad --event-rate %s", why);
	o->alert.rate_given = true;
	return ARGS_OK;
}

/* ------------------------------------------------------- the option table */

#define STR_(x) #x
#define STR(x) STR_(x)
/* The subcommands that take an option. */
#define CMD_BIT(c) (1U << (c))
#define IN(c) CMD_BIT(CMD_##c)
#define ANY ((1U << CMD_MAX) - 1)
#define FLAG(member) .kind = ARGS_FLAG, .field = offsetof(struct options, member)
#define SET(fn) .kind = ARGS_SET, .set = (fn)

/* In the order of the help; the usage lines keep it too. */
static const struct args_option options[] = {
	{ .name = "interface", .letter = 'i', .value = "IFACE", .many = true,
	  .cmds = IN(WATCH) | IN(ATTACH) | IN(DETACH) | IN(STATUS) | IN(SHOW) | IN(SERVE),
	  SET(set_iface), .help = "interface; repeat for several (max " STR(MAX_IFACES) ")" },
	{ .name = "mode", .letter = 'm', .value = "MODE", .cmds = IN(WATCH) | IN(ATTACH) | IN(SERVE),
	  SET(set_mode),
	  .help = "ingress through XDP in native, skb or auto mode (default auto: native, "
		  "falling back to skb with a notice), or tc: the TC clsact ingress hook, beside "
		  "any XDP program of another tool" },
	{ .name = "direction", .value = "DIR", .cmds = IN(WATCH) | IN(ATTACH) | IN(SERVE),
	  SET(set_direction),
	  .help = "in (received), out (sent, on TC clsact egress) or both (default)" },
	{ .name = "multiprog", .cmds = IN(WATCH) | IN(ATTACH) | IN(SERVE), FLAG(multiprog),
	  .help = "join libxdp's dispatcher as its first program, beside XDP programs already "
		  "there (kernels that allow freplace programs)" },
	{ .name = "port", .letter = 'p', .value = "LIST", .many = true,
	  .cmds = IN(WATCH) | IN(ATTACH) | IN(SERVE) | IN(READ), SET(set_port),
	  .help = "UDP ports that carry SIP: numbers, ranges, service names, e.g. "
		  "sip,5062,15060-15069; repeat to add (default " STR(SIPSTAT_DEFAULT_PORT) "). "
		  "On pinned counters: changed live" },
	{ .name = "output", .letter = 'o', .value = "FORMAT",
	  .cmds = IN(WATCH) | IN(STATUS) | IN(SHOW) | IN(READ), SET(set_output),
	  .help = "text (default), json (one object per line), or for monitoring: prometheus, "
		  "openmetrics, influx, csv (totals as counters); status: text or json" },
	{ .name = "listen", .value = "ADDR:PORT", .cmds = IN(WATCH) | IN(SERVE), SET(set_listen),
	  .help = "a Prometheus endpoint at http://ADDR:PORT/metrics (default 127.0.0.1:9065; "
		  "':9065' and '[::1]:9065' work too)" },
	{ .name = "web-config", .value = "FILE", .cmds = IN(WATCH) | IN(SERVE),
	  SET(set_web_config),
	  .help = "the endpoint's TLS certificate and key and its basic-auth users, in the "
		  "Prometheus exporter toolkit's web configuration format (--web.config.file)" },
	{ .name = "top", .letter = 't', .cmds = IN(WATCH), FLAG(top),
	  .help = "full-screen live view, refreshed every INTERVAL (keys: q quit, s sort, j/k "
		  "select, r reset, p pause, c parser counters, m methods and KPIs, e peers and "
		  "failing addresses, f one method, n/N one peer, h help); NO_COLOR is honoured; "
		  "without a terminal on stdout, the report of -o is printed instead" },
	{ .name = "force", .letter = 'f', .cmds = IN(WATCH) | IN(ATTACH) | IN(SERVE), FLAG(force),
	  .help = "replace an XDP program of another tool on IFACE in one step (it stays if "
		  "sipstat's cannot attach); the replaced program is gone for good, not put back "
		  "when sipstat exits or detaches" },
	{ .name = "per-interface", .cmds = IN(WATCH) | IN(SHOW), FLAG(per_interface),
	  .help = "text: a block per interface after the sum" },
	{ .name = "alert", .value = "RULE", .many = true, .cmds = IN(WATCH) | IN(SERVE),
	  SET(set_alert),
	  .help = "an alert rule, e.g. 'code=503 rate>50/s for 10s', 'class=5xx ratio>5% over "
		  "60s', 'code=603 count>0'; repeat for more (default: class=6xx count>0, at "
		  "once); with --top in the view's alert pane" },
	{ .name = "alert-exec", .value = "PATH", .cmds = IN(WATCH) | IN(SERVE), SET(set_alert_exec),
	  .help = "run PATH for each alert, without a shell, capabilities or privileges: the "
		  "alert in arguments and SIPSTAT_* variables; PATH must be a regular file only "
		  "root (or the hook's user) can change" },
	{ .name = "alert-user", .value = "USER", .cmds = IN(WATCH) | IN(SERVE),
	  SET(set_alert_user),
	  .help = "the user --alert-exec runs as (default: " ALERT_HOOK_USER " when sipstat runs "
		  "as root, else sipstat's own)" },
	{ .name = "alert-timeout", .value = "S", .cmds = IN(WATCH) | IN(SERVE),
	  SET(set_alert_timeout), .help = "kill a hook still running after S seconds (5)" },
	{ .name = "alert-log", .value = "WHERE", .cmds = IN(WATCH) | IN(SERVE), SET(set_alert_log),
	  .help = "journal, syslog or none (default)" },
	{ .name = "event-codes", .value = "LIST", .cmds = IN(WATCH) | IN(ATTACH) | IN(SERVE),
	  SET(set_event_codes),
	  .help = "codes and classes that send a kernel event the moment they are seen, e.g. "
		  "6xx,503,408 (6xx)" },
	{ .name = "event-rate", .value = "R/s[,B]", .cmds = IN(WATCH) | IN(ATTACH) | IN(SERVE),
	  SET(set_event_rate), .help = "events per second per CPU, burst B (100/s,200)" },
	{ .name = "peers", .value = "FILE", .cmds = IN(WATCH) | IN(ATTACH) | IN(SERVE),
	  SET(set_peers),
	  .help = "name the peers of FILE ('NAME PREFIX...' lines) and count per peer; a "
		  "changed file applies live" },
	{ .name = "per-peer", .cmds = IN(WATCH) | IN(SHOW), FLAG(per_peer),
	  .help = "text: method x class and codes per named peer" },
	{ .name = "failing", .value = "N", .cmds = IN(WATCH) | IN(SHOW), SET(set_failing),
	  .help = "text, JSON: the N addresses sending most 4xx, 5xx, 6xx (1 to "
		  STR(FAILING_MAX) ")" },
	{ .name = "export-failing", .value = "N", .cmds = IN(WATCH) | IN(SHOW) | IN(SERVE),
	  SET(set_export_failing), .help = "exports: the same N per class, as labels" },
	{ .name = "reset", .cmds = IN(ATTACH), FLAG(reset),
	  .help = "zero the pinned counters" },
	{ .name = "replace", .cmds = IN(ATTACH) | IN(SERVE), FLAG(replace),
	  .help = "swap in this sipstat's program; pinned maps of another layout are replaced, "
		  "their counts carried over where the layouts allow" },
	{ .name = "all", .cmds = IN(DETACH), FLAG(all),
	  .help = "every interface sipstat pinned (in the network namespace)" },
	{ .name = "netns", .value = "NS", .cmds = IN(STATUS) | IN(DETACH), SET(set_netns),
	  .help = "the pins of network namespace NS (a name under /run/netns, an nsfs path or an "
		  "inode), of every one (all: status from the host does that), or of those gone "
		  "(gone)" },
	{ .name = "verbose", .letter = 'v', .cmds = ANY, .kind = ARGS_COUNT,
	  .field = offsetof(struct options, verbose),
	  .help = "meanings, requests by method and parser outcomes in text reports; twice: "
		  "libbpf messages and the verifier log" },
	{ .name = "help", .letter = 'h', .cmds = ANY, .kind = ARGS_HELP,
	  .help = "show this help" },
	{ .name = "version", .letter = 'V', .cmds = ANY, .kind = ARGS_VERSION,
	  .help = "show the version" },
};

#define NOPTIONS (sizeof(options) / sizeof(options[0]))
/* getopt_long's value for a row without a letter: past every char. */
#define LONG_ONLY 256

const struct args_option *args_options(size_t *n)
{
	*n = NOPTIONS;
	return options;
}

/* ------------------------------------------------------- usage and help */

/* Help fits in 80 columns. */
#define HELP_WIDTH 79
#define HELP_TEXT_COL 25	/* an option's text */
#define HELP_CMD_COL 11		/* a subcommand's summary */

/* Words written to a line that wraps before HELP_WIDTH. */
struct wrap {
	FILE *f;
	int col;	/* where the next character goes */
	int indent;	/* where continuation lines start */
	bool fresh;	/* at the start of a line or a column: no space before the word */
};

static void wrap_word(struct wrap *w, const char *word, size_t len)
{
	if (!w->fresh && w->col + 1 + (int)len > HELP_WIDTH) {
		fprintf(w->f, "\n%*s", w->indent, "");
		w->col = w->indent;
		w->fresh = true;
	}
	if (!w->fresh) {
		fputc(' ', w->f);
		w->col++;
	}
	fwrite(word, 1, len, w->f);
	w->col += (int)len;
	w->fresh = false;
}

/* Text split at spaces; a quoted example ('code=503 rate>50/s') stays on one line. */
static void wrap_text(struct wrap *w, const char *text)
{
	const char *p = text, *start, *close;

	while (*p) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		start = p;
		if (*p == '\'' && (close = strchr(p + 1, '\'')))
			p = close;
		while (*p && *p != ' ')
			p++;
		wrap_word(w, start, (size_t)(p - start));
	}
}

/* One option in a usage line: "[-m MODE]", "-i IFACE [-i IFACE ...]". */
static void usage_word(char *word, size_t len, const struct args_option *opt, bool required)
{
	char one[48];

	if (opt->letter)
		snprintf(one, sizeof(one), "-%c%s%s", opt->letter, opt->value ? " " : "",
			 opt->value ? opt->value : "");
	else
		snprintf(one, sizeof(one), "--%s%s%s", opt->name, opt->value ? " " : "",
			 opt->value ? opt->value : "");
	if (required && opt->many)
		snprintf(word, len, "%s [%s ...]", one, one);
	else if (required)
		snprintf(word, len, "%s", one);
	else
		snprintf(word, len, "[%s%s]", one, opt->many ? " ..." : "");
}

static bool is_all(const struct args_option *opt)
{
	return opt->kind == ARGS_FLAG && opt->field == offsetof(struct options, all);
}

/* "sipstat attach -i IFACE [-i IFACE ...] [-m MODE] ...", wrapped. */
static void usage_line(FILE *f, enum command c, const char *lead)
{
	const struct args_command *cmd = &commands[c];
	bool or_all = cmd->need == ARGS_NEED_IFACE_OR_ALL;
	struct wrap w = { .f = f };
	const struct args_option *opt;
	char word[128], either[160];

	/* The plain form has no name on the command line. */
	w.col = fprintf(f, "%ssipstat%s%s", lead, c == CMD_WATCH ? "" : " ",
			c == CMD_WATCH ? "" : cmd->name);
	w.indent = w.col + 1;
	for (opt = options; opt < options + NOPTIONS; opt++) {
		bool iface = opt->set == set_iface;

		if (!(opt->cmds & CMD_BIT(c)) || opt->kind == ARGS_HELP ||
		    opt->kind == ARGS_VERSION || (or_all && is_all(opt)))
			continue;
		usage_word(word, sizeof(word), opt, iface && cmd->need != ARGS_NEED_NONE);
		if (or_all && iface) {
			/* detach: "{-i IFACE [-i IFACE ...] | --all}" */
			snprintf(either, sizeof(either), "{%s | --all}", word);
			wrap_word(&w, either, strlen(either));
		} else {
			wrap_word(&w, word, strlen(word));
		}
	}
	if (*cmd->operands)
		wrap_word(&w, cmd->operands, strlen(cmd->operands));
	fputc('\n', f);
}

/* "  -i, --interface IFACE  interface; repeat ...", wrapped. */
static void help_option(FILE *f, const struct args_option *opt)
{
	struct wrap w = { .f = f, .indent = HELP_TEXT_COL, .fresh = true };
	int head;

	if (opt->letter)
		head = fprintf(f, "  -%c, --%s", opt->letter, opt->name);
	else
		head = fprintf(f, "      --%s", opt->name);
	if (opt->value)
		head += fprintf(f, " %s", opt->value);
	if (head < HELP_TEXT_COL)
		fprintf(f, "%*s", HELP_TEXT_COL - head, "");
	else
		fprintf(f, "\n%*s", HELP_TEXT_COL, "");
	w.col = HELP_TEXT_COL;
	wrap_text(&w, opt->help);
	fputc('\n', f);
}

void print_usage(FILE *f)
{
	struct wrap w = { .f = f, .fresh = true };
	int c;

	for (c = 0; c < CMD_MAX; c++)
		usage_line(f, (enum command)c, c == 0 ? "Usage: " : "       ");
	fputc('\n', f);
	wrap_text(&w, commands[CMD_WATCH].summary);
	fputs("\n\nSubcommands:\n", f);
	for (c = 1; c < CMD_MAX; c++) {
		w = (struct wrap){ .f = f, .col = HELP_CMD_COL, .indent = HELP_CMD_COL,
				   .fresh = true };
		fprintf(f, "  %-*s", HELP_CMD_COL - 2, commands[c].name);
		wrap_text(&w, commands[c].summary);
		fputc('\n', f);
	}
	fputs("\nOptions (each usage line above lists the ones its subcommand takes):\n", f);
	for (c = 0; c < (int)NOPTIONS; c++)
		help_option(f, &options[c]);
	fputs("\n"
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
	      f);
}

/* ------------------------------------------------------- parsing */

static void set_defaults(struct options *o)
{
	memset(o, 0, sizeof(*o));
	o->mode = ATTACH_AUTO;
	o->dirs = 1U << SIPSTAT_DIR_IN | 1U << SIPSTAT_DIR_OUT;
	o->output = OUT_TEXT;
	o->interval = 1.0;
	o->alert.timeout = ALERT_HOOK_TIMEOUT;
	ports_default(&o->ports);
}

/* The subcommand named by argv[1], if any: how many words it took (0 or 1). */
static int select_command(int argc, char **argv, struct options *o)
{
	int c;

	for (c = 1; argc > 1 && c < CMD_MAX; c++) {
		if (!strcmp(argv[1], commands[c].name)) {
			o->cmd = (enum command)c;
			return 1;
		}
	}
	return 0;
}

/* getopt_long's long table and short string, from the option table. */
static void getopt_tables(struct option *longopts, char *shortopts)
{
	size_t i;

	*shortopts++ = ':';	/* a missing value returns ':', said by us */
	for (i = 0; i < NOPTIONS; i++) {
		longopts[i] = (struct option){
			.name = options[i].name,
			.has_arg = options[i].value ? required_argument : no_argument,
			.val = options[i].letter ? options[i].letter : LONG_ONLY + (int)i,
		};
		if (options[i].letter) {
			*shortopts++ = options[i].letter;
			if (options[i].value)
				*shortopts++ = ':';
		}
	}
	longopts[NOPTIONS] = (struct option){ 0 };
	*shortopts = '\0';
}

/* The row getopt_long's value stands for, NULL for an unknown option. */
static const struct args_option *option_of(int val)
{
	size_t i;

	if (val >= LONG_ONLY)
		return (size_t)(val - LONG_ONLY) < NOPTIONS ? &options[val - LONG_ONLY] : NULL;
	for (i = 0; i < NOPTIONS; i++)
		if (val > 0 && options[i].letter == val)
			return &options[i];
	return NULL;
}

static int apply(const struct args_option *opt, struct options *o, const char *arg, FILE *out,
		 FILE *err)
{
	char *base = (char *)o;

	switch (opt->kind) {
	case ARGS_FLAG:
		*(bool *)(base + opt->field) = true;
		return ARGS_OK;
	case ARGS_COUNT:
		(*(int *)(base + opt->field))++;
		return ARGS_OK;
	case ARGS_SET:
		return opt->set(o, arg, err);
	case ARGS_HELP:
		print_usage(out);
		return ARGS_EXIT_OK;
	case ARGS_VERSION:
		fprintf(out, "sipstat %s\n", SIPSTAT_VERSION);
		return ARGS_EXIT_OK;
	}
	return ARGS_USAGE;
}

/* "eth0" where a number was expected: the user meant -i eth0. */
static bool looks_like_iface(const char *a)
{
	return *a && !isdigit((unsigned char)*a) && *a != '.' && *a != '-' &&
	       strlen(a) < IF_NAMESIZE;
}

static int parse_interval(const char *a, struct options *o, FILE *err)
{
	char *end;

	errno = 0;
	o->interval = strtod(a, &end);
	if (!errno && end != a && !*end && isfinite(o->interval) &&
	    o->interval >= INTERVAL_MIN && o->interval <= INTERVAL_MAX)
		return ARGS_OK;
	if (looks_like_iface(a) && end == a) {
		fprintf(err,
			"sipstat: '%s' is not an interval in seconds; to count on interface %s, "
			"use: sipstat -i %s\nTry 'sipstat --help' for more information.\n",
			a, a, a);
		return ARGS_USAGE;
	}
	return usage_error(err, "interval '%s' must be a number of seconds from 0.1 to 86400", a);
}

static int parse_count(const char *a, struct options *o, FILE *err)
{
	char *end;

	errno = 0;
	o->count = strtol(a, &end, 10);
	if (errno || end == a || *end || o->count < 1)
		return usage_error(err, "count '%s' must be a whole number of at least 1", a);
	return ARGS_OK;
}

/* What follows the options: watch's INTERVAL and COUNT, read's FILE. */
static int parse_operands(int argc, char **argv, struct options *o, FILE *err)
{
	int rc = ARGS_OK;

	if (o->cmd == CMD_WATCH && optind < argc)
		rc = parse_interval(argv[optind++], o, err);
	if (rc == ARGS_OK && o->cmd == CMD_WATCH && optind < argc)
		rc = parse_count(argv[optind++], o, err);
	if (o->cmd == CMD_READ && optind < argc)
		o->file = argv[optind++];
	if (rc == ARGS_OK && optind < argc)
		rc = usage_error(err, "unexpected argument '%s'", argv[optind]);
	return rc;
}

/* What the subcommand cannot run without. */
static int check_needs(const struct options *o, FILE *err)
{
	const char *name = commands[o->cmd].name;

	switch (commands[o->cmd].need) {
	case ARGS_NEED_IFACE:
		if (!o->nifs)
			return usage_error(err, "no interface given: use -i IFACE");
		break;
	case ARGS_NEED_FILE:
		if (!o->file)
			return usage_error(err, "%s what? give a capture file: sipstat %s FILE", name,
					   name);
		break;
	case ARGS_NEED_IFACE_OR_ALL:
		if (!o->nifs && !o->all)
			return usage_error(err, "%s what? use -i IFACE or --all", name);
		if (o->nifs && o->all)
			return usage_error(err, "use either -i IFACE or --all, not both");
		break;
	case ARGS_NEED_NONE:
		break;
	}
	if (o->cmd == CMD_STATUS && o->output != OUT_TEXT && o->output != OUT_JSON)
		return usage_error(err, "status prints text or json; the counters in other formats: "
					"sipstat show -o FORMAT");
	return ARGS_OK;
}

/* The alert rules against what is counted, the hook's path and user: once every option is in. */
static int check_alerts(struct options *o, FILE *err)
{
	char why[PATH_MAX + 320];

	if (o->cmd != CMD_WATCH && o->cmd != CMD_SERVE)
		return ARGS_OK;
	if (alert_opts_check(&o->alert, o->peers_file, o->dirs_given ? o->dirs : 0, why,
			     sizeof(why)))
		return usage_error(err, "%s%s", strncmp(why, "--alert", 7) ? "bad --alert: " : "",
				   why);
	return ARGS_OK;
}

int parse_args(int argc, char **argv, struct options *o, FILE *out, FILE *err)
{
	struct option longopts[NOPTIONS + 1];
	char shortopts[2 * NOPTIONS + 2];
	const struct args_option *opt;
	int val, rc, took;

	set_defaults(o);
	took = select_command(argc, argv, o);
	/* After a subcommand, it stands where getopt expects the program's name. */
	argc -= took;
	argv += took;
	getopt_tables(longopts, shortopts);
	optind = 0;	/* full re-initialisation: parse_args may run more than once */
	opterr = 0;
	while ((val = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		if (val == ':')
			return usage_error(err, "option '%s' needs a value", argv[optind - 1]);
		opt = option_of(val);
		if (!opt)
			return usage_error(err, "unknown option '%s'", argv[optind - 1]);
		if (!(opt->cmds & CMD_BIT(o->cmd)))
			return usage_error(err, "option '%s' does not apply here", argv[optind - 1]);
		rc = apply(opt, o, optarg, out, err);
		if (rc != ARGS_OK)
			return rc;
	}
	rc = parse_operands(argc, argv, o, err);
	if (rc == ARGS_OK)
		rc = check_needs(o, err);
	return rc == ARGS_OK ? check_alerts(o, err) : rc;
}
