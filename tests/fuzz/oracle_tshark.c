// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * A second, independent oracle for the XDP program: Wireshark's SIP
 * dissector, through tshark.  A sample of fuzzer inputs (seeds, the
 * regression frames, a corpus) and random mutations of them become frames
 * on UDP port 5060; each frame goes through the XDP program with
 * BPF_PROG_TEST_RUN and through the reference decoder, all of them go
 * into one pcap, and tshark dissects it with port 5060 decoded as SIP.
 * Then, frame by frame:
 *
 *   - a status code the program counts is one tshark dissects as that
 *     Status-Code, and a Status-Code tshark dissects is one the program
 *     counts;
 *   - a request the program counts under a method row is one tshark
 *     dissects with that Method (an extension method for the "other"
 *     row), and the other way round;
 *   - the program counts exactly what the reference decoder says.
 *
 * except for the documented differences below (struct difference): each
 * is a place where sipstat deliberately counts less or otherwise than a
 * full dissector, with the reason.  Any other disagreement is printed
 * with the frame and fails.
 *
 *   oracle_tshark [-n MUTATIONS] [-s SEED] [-k PCAP] [-v] DIR...
 *
 * Prints "ok - ..." / "not ok - ..." lines (tests/harness.h).  Needs
 * root (BPF_PROG_TEST_RUN) and tshark.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/bpf.h>
#include <bpf/libbpf.h>

#include "harness.h"
#include "ref_decoder.h"
#include "structured.h"
#include "xdprun.h"

#define INPUT_MAX 1700
#define MAX_ITEMS 200000

struct item {
	uint8_t *frame;
	size_t len;
	char origin[48];	/* input file, or "mutation N of FILE" */
	struct ref_result ref;
	bool x_counted;		/* what the program counted: nothing, or x_key */
	uint32_t x_key;
	int x_keys;		/* keys that moved (1 at most, or the program is wrong) */
	/* tshark's view */
	bool t_seen;		/* a line for this frame came back */
	bool t_sip;		/* the SIP dissector ran on it */
	char t_protocols[96];	/* frame.protocols, for messages */
	int t_code;		/* sip.Status-Code, 0 for none */
	char t_method[24];	/* sip.Method, "" for none */
	const char *verdict;	/* NULL: agree; else the difference that explains it */
};

static struct item *items;
static size_t n_items, n_inputs;
static bool verbose;

static const uint16_t sip_port[] = { SIPSTAT_DEFAULT_PORT };
static const struct ref_ports ports = { .list = sip_port, .n = 1, .cseq = true };

__attribute__((noreturn, format(printf, 1, 2))) static void die(const char *fmt, ...);
static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "oracle_tshark: ");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

/* ------------------------------------------------------------ inputs */

static struct {
	uint8_t *data;
	size_t size;
	char name[40];
} *inputs;
static size_t inputs_cap;

static void add_input(const uint8_t *data, size_t size, const char *name)
{
	if (n_inputs == inputs_cap) {
		inputs_cap = inputs_cap ? inputs_cap * 2 : 1024;
		inputs = realloc(inputs, inputs_cap * sizeof(*inputs));
		if (!inputs)
			die("out of memory");
	}
	inputs[n_inputs].data = malloc(size);
	if (!inputs[n_inputs].data)
		die("out of memory");
	memcpy(inputs[n_inputs].data, data, size);
	inputs[n_inputs].size = size;
	snprintf(inputs[n_inputs].name, sizeof(inputs[n_inputs].name), "%.39s", name);
	n_inputs++;
}

static void read_dir(const char *dir)
{
	static uint8_t buf[INPUT_MAX];
	char path[4096];
	struct dirent *de;
	struct stat st;
	size_t n;
	FILE *f;
	DIR *d = opendir(dir);

	if (!d)
		die("cannot read %s: %s", dir, strerror(errno));
	while ((de = readdir(d))) {
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (de->d_name[0] == '.' || stat(path, &st) || !S_ISREG(st.st_mode))
			continue;
		f = fopen(path, "rb");
		if (!f)
			die("cannot open %s: %s", path, strerror(errno));
		n = fread(buf, 1, sizeof(buf), f);
		fclose(f);
		if (n > 0 && n < sizeof(buf))
			add_input(buf, n, de->d_name);
	}
	closedir(d);
}

/* xorshift64*: reproducible from -s. */
static uint64_t rng_state = 0x5eed5eed5eedULL;

static uint64_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

static size_t rnd_below(size_t n)
{
	return n ? (size_t)(rnd() % n) : 0;
}

/* Pieces a mutation splices in: start lines, schemes, header fields. */
static const char *const tokens[] = {
	"SIP/2.0 ", "SIP/2.0 200 ", "SIP/2.0 100 Trying\r\n", "SIP/2.0 699 ", "sip/", "SIP/",
	"INVITE ", "ACK ", "BYE ", "REGISTER ", "SUBSCRIBE ", "PUBLISH ", "FOO ", "X-Y ",
	" sip:", " sips:", " tel:", " urn:", " SIPS:", "sip:bob@example.com SIP/2.0\r\n",
	"\r\n", "\r\n\r\n", " ", "\t", "0", "9", "\x13\xc4", "\x08\x00", "\x86\xdd", "\x81\x00",
	"\x45\x00", "\x11", "\x2c", "\x00\x00",
};

/* One mutation of input src into out (capacity INPUT_MAX); its size. */
static size_t mutate(const uint8_t *src, size_t size, uint8_t *out)
{
	size_t n = size, at, tl;
	int rounds = 1 + (int)rnd_below(4);
	const char *t;

	memcpy(out, src, size);
	while (rounds--) {
		switch (rnd_below(6)) {
		case 0:		/* flip a bit */
			if (n > 1)
				out[1 + rnd_below(n - 1)] ^= (uint8_t)(1u << rnd_below(8));
			break;
		case 1:		/* a random byte */
			if (n > 1)
				out[1 + rnd_below(n - 1)] = (uint8_t)rnd();
			break;
		case 2:		/* a structured header byte, or a byte near the start */
			if (n > 1)
				out[1 + rnd_below(n - 1 < 60 ? n - 1 : 60)] = (uint8_t)rnd();
			break;
		case 3:		/* overwrite with a token */
		case 4:		/* insert a token */
			t = tokens[rnd_below(sizeof(tokens) / sizeof(tokens[0]))];
			tl = strlen(t) ? strlen(t) : 1;
			at = 1 + rnd_below(n);
			if (at + tl > INPUT_MAX - 1)
				break;
			if (rnd_below(6) == 4 || n + tl > INPUT_MAX - 1) {
				memcpy(out + at, t, tl);
				if (at + tl > n)
					n = at + tl;
			} else {
				memmove(out + at + tl, out + at, n - at);
				memcpy(out + at, t, tl);
				n += tl;
			}
			break;
		default:	/* cut the tail */
			if (n > 2)
				n = 2 + rnd_below(n - 1);
			break;
		}
	}
	return n;
}

/* ------------------------------------------------------------ program side */

/*
 * Frames whose SIP lies inside a tunnel or in a TCP segment: tshark
 * dissects those, the program here runs with SIP over TCP and the tunnels
 * off (xdprun's settings), so they are left out rather than compared; the
 * fuzzer holds the program to the decoder on them.
 */
static size_t n_left_out;

static bool tunnel_or_tcp(const uint8_t *frame, size_t len, const struct ref_result *off)
{
	struct ref_ports on = ports;
	struct ref_result r;

	on.flags = SIPSTAT_CFG_TCP | SIPSTAT_CFG_ENCAP;
	ref_decode(frame, len, &on, &r);
	return r.n_also || r.counted != off->counted || (r.counted && ref_key(&r) != ref_key(off));
}

/*
 * tshark dissected the SIP inside a tunnel or TCP (its frame.protocols
 * has one of their layers): also left out.  Wireshark follows tunnels the
 * program does not (GRE version 1, VXLAN without the I flag or from port
 * 4789, ...); with the tunnels off here the program follows none.
 */
static bool tshark_tunnel_or_tcp(const char *protocols)
{
	static const char *const layers[] = { "gre", "vxlan", "gtp", "pppoes", "mpls", "tcp",
					      "ppp" };
	char prev[24] = "", tok[24];
	const char *p = protocols, *e;
	size_t i, n;

	while (*p) {
		e = strchr(p, ':');
		n = e ? (size_t)(e - p) : strlen(p);
		snprintf(tok, sizeof(tok), "%.*s", (int)(n < sizeof(tok) ? n : sizeof(tok) - 1), p);
		for (i = 0; i < sizeof(layers) / sizeof(layers[0]); i++)
			if (!strcmp(tok, layers[i]))
				return true;
		if ((!strcmp(tok, "ip") || !strcmp(tok, "ipv6")) &&
		    (!strcmp(prev, "ip") || !strcmp(prev, "ipv6")))
			return true;	/* IP in IP */
		snprintf(prev, sizeof(prev), "%s", tok);
		p += n + (e ? 1 : 0);
	}
	return false;
}

static void add_item(const uint8_t *input, size_t size, const char *origin)
{
	static uint8_t buf[XDPRUN_FRAME_MAX];
	struct ref_result off;
	struct item *it;
	size_t len;

	if (n_items == MAX_ITEMS)
		return;
	len = fuzz_input_frame(input, size, buf, sizeof(buf));
	if (len == 0 || len > XDPRUN_FRAME_MAX)
		return;
	ref_decode(buf, len, &ports, &off);
	if (tunnel_or_tcp(buf, len, &off)) {
		n_left_out++;
		return;
	}
	it = &items[n_items++];
	memset(it, 0, sizeof(*it));
	it->frame = malloc(len);
	if (!it->frame)
		die("out of memory");
	memcpy(it->frame, buf, len);
	it->len = len;
	snprintf(it->origin, sizeof(it->origin), "%.47s", origin);
	ref_decode(it->frame, len, &ports, &it->ref);	/* port set {5060} for all */
}

static void run_one(struct xdprun *x, struct item *it, size_t i)
{
	struct xdprun_result res;
	int e = xdprun_frame(x, it->frame, it->len, &res);

	if (e)
		die("BPF_PROG_TEST_RUN: %s", strerror(-e));
	if (res.retval != XDP_PASS || !res.unchanged)
		die("frame %zu (%s): verdict %u, frame %s", i + 1, it->origin, res.retval,
		    res.unchanged ? "unchanged" : "changed");
}

static void read_all(struct xdprun *x, struct xdprun_counts *c)
{
	int e = xdprun_read(x, c);

	if (e)
		die("reading the counters: %s", strerror(-e));
}

#define BLOCK 256

/*
 * A block of frames whose per-key reads did not add up.  The keys that
 * moved during it are the suspects; run the block again, reading every
 * suspect after each frame, to name what each frame counted.  start, now:
 * the totals before and after the first run of the block; now is updated.
 */
static void rerun_block(struct xdprun *x, size_t from, size_t to,
			const struct xdprun_counts *start, struct xdprun_counts *now)
{
	static struct xdprun_counts again;
	static uint32_t sus[SIPSTAT_COUNT_KEYS];
	static __u64 cur[SIPSTAT_COUNT_KEYS];
	size_t n = 0, j, s;
	uint32_t k;
	__u64 v;
	int e;

	for (k = 0; k < SIPSTAT_COUNT_KEYS; k++) {
		if (xdprun_at(now, k) == xdprun_at(start, k))
			continue;
		cur[n] = xdprun_at(now, k);
		sus[n++] = k;
	}
	for (j = from; j < to; j++) {
		struct item *it = &items[j];

		run_one(x, it, j);
		it->x_counted = false;
		it->x_keys = 0;
		for (s = 0; s < n; s++) {
			e = xdprun_read_key(x, sus[s], &v);
			if (e)
				die("reading a counter: %s", strerror(-e));
			if (v == cur[s])
				continue;
			cur[s] = v;
			it->x_keys++;
			it->x_counted = true;
			it->x_key = sus[s];
		}
	}
	/* The second run must have moved exactly what the first did. */
	read_all(x, &again);
	for (k = 0; k < SIPSTAT_COUNT_KEYS; k++)
		if (xdprun_at(&again, k) - xdprun_at(now, k) != xdprun_at(now, k) - xdprun_at(start, k))
			die("frames %zu to %zu counted otherwise when run again", from + 1, to);
	memcpy(now, &again, sizeof(again));
}

/*
 * Run every frame through the program and note the key it moved.  A full
 * read of all keys takes milliseconds, so per frame only the key the
 * decoder names is read, and every BLOCK frames all keys are compared
 * with what those reads said; a block that does not add up is run again
 * with the keys that moved read after each frame.
 */
static void run_program(void)
{
	static struct xdprun_counts start, now, expect;
	struct xdprun x;
	char err[256];
	size_t i, j, end;
	__u64 v, *ev = (__u64 *)expect.v;
	uint32_t key;
	bool odd;
	int e;

	libbpf_set_print(NULL);
	if (xdprun_open(&x, err, sizeof(err)))
		die("%s", err);
	xdprun_set_ports(&x, false, sip_port, 1);
	xdprun_set_events(&x, NULL);	/* one key per frame: the count, no event outcome */
	xdprun_set_cseq(&x, true);
	read_all(&x, &start);
	for (i = 0; i < n_items; i = end) {
		end = i + BLOCK < n_items ? i + BLOCK : n_items;
		memcpy(&expect, &start, sizeof(expect));
		odd = false;
		for (j = i; j < end; j++) {
			struct item *it = &items[j];

			run_one(&x, it, j);
			it->x_counted = it->ref.counted;
			it->x_keys = it->ref.counted;
			if (!it->ref.counted)
				continue;
			key = ref_key(&it->ref);
			it->x_key = key;
			e = xdprun_read_key(&x, key, &v);
			if (e)
				die("reading a counter: %s", strerror(-e));
			if (v != ev[key] + 1)
				odd = true;
			ev[key] = v;
		}
		read_all(&x, &now);
		if (odd || memcmp(&now, &expect, sizeof(now)) != 0)
			rerun_block(&x, i, end, &start, &now);
		memcpy(&start, &now, sizeof(start));
	}
	xdprun_close(&x);
}

/* ------------------------------------------------------------ tshark side */

static void put32le(FILE *f, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };

	fwrite(b, 1, 4, f);
}

/* libpcap format, microsecond timestamps, Ethernet: one second per frame. */
static void write_pcap(const char *path)
{
	FILE *f = fopen(path, "wb");
	size_t i;

	if (!f)
		die("cannot write %s: %s", path, strerror(errno));
	put32le(f, 0xa1b2c3d4);
	put32le(f, 2 | 4u << 16);	/* version 2.4 */
	put32le(f, 0);			/* GMT offset */
	put32le(f, 0);			/* accuracy */
	put32le(f, 65535);		/* snaplen */
	put32le(f, 1);			/* LINKTYPE_ETHERNET */
	for (i = 0; i < n_items; i++) {
		put32le(f, (uint32_t)(1700000000 + i));
		put32le(f, 0);
		put32le(f, (uint32_t)items[i].len);
		put32le(f, (uint32_t)items[i].len);
		fwrite(items[i].frame, 1, items[i].len, f);
	}
	if (fclose(f))
		die("cannot write %s: %s", path, strerror(errno));
}

/*
 * tshark with UDP port 5060 decoded as SIP and nothing guessed: no SIP
 * heuristics on other ports, no IP reassembly (each frame stands alone,
 * as it does for the XDP program).
 */
static void run_tshark(const char *pcap)
{
	char *const argv[] = {
		"tshark", "-r", (char *)pcap, "-n", "-d", "udp.port==5060,sip",
		"--disable-heuristic", "sip_udp", "--disable-heuristic", "sip_stun",
		"-o", "ip.defragment:FALSE", "-o", "ipv6.defragment:FALSE",
		"-T", "fields", "-E", "separator=/t", "-E", "occurrence=f",
		"-e", "frame.number", "-e", "sip.Status-Code", "-e", "sip.Method",
		"-e", "frame.protocols", NULL,
	};
	char line[4096];
	int fds[2], status;
	pid_t pid;
	FILE *p;
	size_t n;

	/* No shell: tshark's output through a pipe, its stderr (a root warning) to ours. */
	if (pipe(fds))
		die("pipe: %s", strerror(errno));
	pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (pid == 0) {
		dup2(fds[1], STDOUT_FILENO);
		close(fds[0]);
		close(fds[1]);
		if (!verbose)
			(void)freopen("/dev/null", "w", stderr);
		execvp("tshark", argv);
		_exit(127);
	}
	close(fds[1]);
	p = fdopen(fds[0], "r");
	if (!p)
		die("fdopen: %s", strerror(errno));
	while (fgets(line, sizeof(line), p)) {
		char *f[4], *q = line;
		int i;

		line[strcspn(line, "\n")] = '\0';
		/* frame.number, Status-Code, Method, protocols: fields may be empty. */
		for (i = 0; i < 4; i++) {
			f[i] = q;
			q = q ? strchr(q, '\t') : NULL;
			if (q)
				*q++ = '\0';
		}
		n = strtoul(line, NULL, 10);
		if (!f[3] || !*f[0] || strspn(f[0], "0123456789") != strlen(f[0]) || n < 1 ||
		    n > n_items) {
			if (verbose)
				fprintf(stderr, "tshark: %s\n", line);
			continue;
		}
		items[n - 1].t_seen = true;
		items[n - 1].t_code = *f[1] ? (int)strtol(f[1], NULL, 10) : 0;
		snprintf(items[n - 1].t_method, sizeof(items[n - 1].t_method), "%s", f[2]);
		items[n - 1].t_sip = strstr(f[3], ":sip") != NULL;
		snprintf(items[n - 1].t_protocols, sizeof(items[n - 1].t_protocols), "%s", f[3]);
	}
	fclose(p);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		die("tshark failed (exit status %d): run tshark -r on the pcap (-k) to see why",
		    WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}

/* ------------------------------------------------------------ comparison */

/* sipstat's status code for an item, 0 for none. */
static int x_code(const struct item *it)
{
	uint32_t slot = it->x_key % SIPSTAT_ROW_SLOTS;

	return it->x_counted && slot >= SIPSTAT_CODE_MIN ? (int)slot : 0;
}

/* sipstat's request method: a listed name, "other-method", or NULL. */
static const char *x_method(const struct item *it)
{
	if (!it->x_counted || it->x_key % SIPSTAT_ROW_SLOTS != SIPSTAT_O_REQUESTS)
		return NULL;
	return ref_method_name(it->x_key / SIPSTAT_ROW_SLOTS % SIPSTAT_M_MAX);
}

/* Is name one of the methods with a row of their own? */
static bool listed(const char *name)
{
	uint32_t m;

	for (m = SIPSTAT_M_UNKNOWN + 1; m < SIPSTAT_M_OTHER; m++)
		if (!strcmp(ref_method_name(m), name))
			return true;
	return false;
}

static bool methods_agree(const struct item *it)
{
	const char *x = x_method(it);

	if (!x)
		return it->t_method[0] == '\0';
	if (!strcmp(x, "other-method"))
		return it->t_method[0] && !listed(it->t_method);
	return !strcmp(x, it->t_method);
}

/* The UDP payload of a frame as the reference decoder bounds it: offset and length. */
static void hexdump(const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		printf("%s%02x", i % 16 ? " " : (i ? "\n#     " : "#     "), p[i]);
	putchar('\n');
}

static void show(const struct item *it, size_t i)
{
	char r[200], x[64];

	ref_result_string(&it->ref, r, sizeof(r));
	ref_key_string(it->x_counted, it->x_key, x, sizeof(x));
	printf("#   frame %zu (%s), %zu bytes:\n", i + 1, it->origin, it->len);
	hexdump(it->frame, it->len);
	printf("#     sipstat: %s%s\n", x, it->x_keys > 1 ? " (and more keys!)" : "");
	printf("#     decoder: %s\n", r);
	printf("#     tshark:  %s, Status-Code %d, Method \"%s\" (%s)\n",
	       it->t_seen ? (it->t_sip ? "SIP" : "not SIP") : "no line", it->t_code,
	       it->t_method, it->t_protocols);
}

/* ------------------------------------------------------------ documented differences */

/*
 * The facts a documented difference is judged on, read from the frame by
 * a walk of its own (no depth bounds: tshark has none): what carries the
 * UDP datagram, its lengths, and the payload as sipstat bounds it.
 */
struct layers {
	int vlans;		/* VLAN tags */
	bool old_tpid;		/* a tag with the pre-standard QinQ TPID 0x9100, 0x9200 or 0x9300 */
	int ipv;		/* 4, 6 or 0 */
	uint8_t proto;		/* transport protocol (after IPv6 extension headers) */
	uint16_t ip4_total;	/* IPv4 Total Length */
	bool fragment;		/* a fragment of a larger packet: MF set, or offset > 0 */
	int ext6;		/* IPv6 extension headers */
	bool ext6_bad_options;	/* a hop-by-hop or destination option runs past its header */
	bool udp;		/* a UDP header lies whole in the frame */
	size_t udp_off, ip_end;
	uint16_t udp_len;
	const uint8_t *pl;	/* payload as sipstat bounds it (UDP length, IP end, frame end) */
	size_t pl_len;
};

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* Pad1, then type-length-value options, each inside the header (RFC 8200 4.2). */
static bool options_fit(const uint8_t *h, size_t len)
{
	size_t i = 2;

	while (i < len) {
		if (h[i] == 0) {
			i++;
			continue;
		}
		if (i + 2 > len || i + 2 + h[i + 1] > len)
			return false;
		i += 2 + (size_t)h[i + 1];
	}
	return true;
}

static void walk(const struct item *it, struct layers *l)
{
	const uint8_t *f = it->frame;
	size_t n = it->len, off = 14, hl, end;
	uint16_t et;
	uint8_t nh;

	memset(l, 0, sizeof(*l));
	if (n < 14)
		return;
	et = be16(f + 12);
	while ((et == 0x8100 || et == 0x88a8 || et == 0x9100 || et == 0x9200 || et == 0x9300) &&
	       off + 4 <= n && l->vlans < 8) {
		l->old_tpid |= et != 0x8100 && et != 0x88a8;
		et = be16(f + off + 2);
		off += 4;
		l->vlans++;
	}
	if (et == 0x0800 && off + 20 <= n && f[off] >> 4 == 4) {
		l->ipv = 4;
		hl = (size_t)(f[off] & 15) * 4;
		l->proto = f[off + 9];
		l->ip4_total = be16(f + off + 2);
		l->fragment = (be16(f + off + 6) & 0x3fff) != 0;
		l->ip_end = off + l->ip4_total;
		off += hl;
	} else if (et == 0x86dd && off + 40 <= n && f[off] >> 4 == 6) {
		l->ipv = 6;
		nh = f[off + 6];
		l->ip_end = off + 40 + be16(f + off + 4);
		off += 40;
		while ((nh == 0 || nh == 43 || nh == 44 || nh == 60) && off + 8 <= n && l->ext6 < 16) {
			l->ext6++;
			if (nh == 44) {
				l->fragment |= (be16(f + off + 2) & 0xfff9) != 0;
				nh = f[off];
				off += 8;
				continue;
			}
			hl = ((size_t)f[off + 1] + 1) * 8;
			if ((nh == 0 || nh == 60) && off + hl <= n && !options_fit(f + off, hl))
				l->ext6_bad_options = true;
			nh = f[off];
			off += hl;
		}
		l->proto = nh;
	} else {
		return;
	}
	if (l->proto != 17 || off + 8 > n)
		return;
	l->udp = true;
	l->udp_off = off;
	l->udp_len = be16(f + off + 4);
	end = l->ip_end < n ? l->ip_end : n;
	l->pl = f + off + 8;
	l->pl_len = 0;
	if (off + 8 <= end && l->udp_len >= 8)
		l->pl_len = (size_t)l->udp_len - 8 < end - (off + 8) ? (size_t)l->udp_len - 8 :
								       end - (off + 8);
}

/* Length of the payload's first line: up to CR, LF or the payload end. */
static size_t first_line(const struct layers *l)
{
	size_t i;

	for (i = 0; i < l->pl_len && l->pl[i] != '\r' && l->pl[i] != '\n'; i++)
		;
	return i;
}

static bool line_has_nul(const struct layers *l)
{
	return memchr(l->pl, 0, first_line(l)) != NULL;
}

/*
 * The first line is a Request-Line as tshark takes one: a method, SP, a
 * URI with a colon, SP, "SIP/2.0", the line end; no NUL in it.
 */
static bool whole_request_line(const struct layers *l)
{
	const uint8_t *p = l->pl, *sp1, *sp2;
	size_t n = first_line(l);

	if (line_has_nul(l))
		return false;
	sp1 = memchr(p, ' ', n);
	if (!sp1 || sp1 == p)
		return false;
	sp2 = memchr(sp1 + 1, ' ', n - (size_t)(sp1 + 1 - p));
	if (!sp2 || !memchr(sp1 + 1, ':', (size_t)(sp2 - sp1 - 1)))
		return false;
	return (size_t)(p + n - (sp2 + 1)) == 7 && !memcmp(sp2 + 1, "SIP/2.0", 7);
}

static uint32_t x_slot(const struct item *it)
{
	return it->x_counted ? it->x_key % SIPSTAT_ROW_SLOTS : UINT32_MAX;
}

struct difference {
	const char *name;
	const char *why;
	bool (*applies)(const struct item *it, const struct layers *l);
	size_t seen;
};

static bool d_too_deep(const struct item *it, const struct layers *l)
{
	return x_slot(it) == SIPSTAT_O_TOO_DEEP;
}

static bool d_code_range(const struct item *it, const struct layers *l)
{
	return x_slot(it) == SIPSTAT_O_MALFORMED && it->t_code &&
	       (it->t_code < SIPSTAT_CODE_MIN || it->t_code > SIPSTAT_CODE_MAX);
}

static bool d_request_head(const struct item *it, const struct layers *l)
{
	return x_slot(it) == SIPSTAT_O_REQUESTS && !it->t_method[0] && !whole_request_line(l);
}

static bool d_start_line_nul(const struct item *it, const struct layers *l)
{
	return x_slot(it) >= SIPSTAT_CODE_MIN && !it->t_sip && line_has_nul(l);
}

static bool token_char(uint8_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c && strchr("-.!%*_+`'~", c));
}

/* The README's extension method: 1 to 10 token characters from a letter, SP, a URI scheme. */
static bool extension_rule(const struct layers *l)
{
	static const char *const schemes[] = { "sip:", "sips:", "tel:", "urn:" };
	const uint8_t *p = l->pl;
	size_t k, i, sl;

	if (!l->pl_len || !((p[0] | 0x20) >= 'a' && (p[0] | 0x20) <= 'z'))
		return false;
	for (k = 1; k < l->pl_len && k <= 10 && token_char(p[k]); k++)
		;
	if (k > 10 || k >= l->pl_len || p[k] != ' ')
		return false;
	for (i = 0; i < 4; i++) {
		sl = strlen(schemes[i]);
		if (l->pl_len - k - 1 >= sl && !strncasecmp((const char *)p + k + 1, schemes[i], sl))
			return true;
	}
	return false;
}

static bool d_any_method(const struct item *it, const struct layers *l)
{
	return x_slot(it) == SIPSTAT_O_OTHER && it->t_method[0] && !listed(it->t_method) &&
	       !extension_rule(l);
}

static bool d_tcp(const struct item *it, const struct layers *l)
{
	return !it->x_counted && l->ipv && l->proto == 6;
}

static bool d_tso(const struct item *it, const struct layers *l)
{
	return l->ipv == 4 && l->ip4_total == 0 && x_slot(it) == SIPSTAT_O_BAD_HEADER;
}

/* tshark gave the datagram to another dissector than SIP or data (its other port's). */
static bool d_other_port(const struct item *it, const struct layers *l)
{
	const char *u = strstr(it->t_protocols, ":udp:");

	return u && !it->t_sip && strncmp(u + 5, "data", 4) != 0 && l->udp &&
	       (be16(it->frame + l->udp_off) != SIPSTAT_DEFAULT_PORT ||
		be16(it->frame + l->udp_off + 2) != SIPSTAT_DEFAULT_PORT);
}

static bool d_old_tpid(const struct item *it, const struct layers *l)
{
	return l->old_tpid && !it->x_counted;
}

static bool d_ext6_options(const struct item *it, const struct layers *l)
{
	return l->ext6_bad_options && !it->t_sip;
}

static struct difference differences[] = {
	{ "too_deep",
	  "sipstat reads at most two VLAN tags and four IPv6 extension headers (too_deep); "
	  "tshark has no bound", d_too_deep, 0 },
	{ "code outside 100-699",
	  "tshark dissects any three digits as a Status-Code; sipstat counts classes 1 to 6 "
	  "(RFC 3261 21) and calls the rest malformed", d_code_range, 0 },
	{ "request judged on its first bytes",
	  "sipstat counts a request from the method and the next bytes (a listed method and SP, "
	  "or a token, SP and a URI scheme); tshark wants the whole Request-Line ending in "
	  "SIP/2.0 (a URI with a colon, single spaces, no NUL)", d_request_head, 0 },
	{ "NUL in the status line",
	  "tshark rejects a start line with a NUL byte in it; sipstat decides on the first 12 "
	  "bytes", d_start_line_nul, 0 },
	{ "any word as a method",
	  "tshark takes any word before the first SP as a method; sipstat's extension method is "
	  "1 to 10 token characters from a letter, SP and a URI scheme", d_any_method, 0 },
	{ "SIP over TCP",
	  "sipstat counts UDP only; tshark dissects SIP on TCP port 5060 too", d_tcp, 0 },
	{ "IPv4 total length 0",
	  "tshark takes a total length of 0 for a segmentation offload capture and reads the "
	  "frame; sipstat finds the UDP header outside the packet (bad_header)", d_tso, 0 },
	{ "the other port's dissector",
	  "tshark gives a datagram to the dissector of its lower port when that port has one "
	  "(DMP on 5031, DNS on 53, ...), before the SIP port's decode-as", d_other_port, 0 },
	{ "QinQ TPID 0x9100",
	  "tshark reads the pre-standard QinQ TPIDs 0x9100, 0x9200 and 0x9300 as VLAN tags; "
	  "sipstat knows 0x8100 and 0x88a8 only (not IP)", d_old_tpid, 0 },
	{ "IPv6 options",
	  "tshark parses the options inside hop-by-hop and destination options headers and "
	  "stops at a malformed one; sipstat skips each header by its length", d_ext6_options, 0 },
};
#define N_DIFFERENCES (sizeof(differences) / sizeof(differences[0]))

static const char *explain(const struct item *it)
{
	struct layers l;
	size_t i;

	walk(it, &l);
	for (i = 0; i < N_DIFFERENCES; i++) {
		if (differences[i].applies(it, &l)) {
			differences[i].seen++;
			return differences[i].name;
		}
	}
	return NULL;
}

/* ------------------------------------------------------------ main */

static void usage(void)
{
	fprintf(stderr, "usage: oracle_tshark [-n MUTATIONS] [-s SEED] [-k PCAP] [-v] DIR...\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static uint8_t mbuf[INPUT_MAX];
	const char *keep = NULL;
	char pcap[] = "/tmp/sipstat-oracle-XXXXXX";
	unsigned long mutations = 2000, seed = 1;
	size_t i, n, agree = 0, bad_decoder = 0, bad_tshark = 0, documented = 0;
	int c, fd, fails = 0;
	char name[64];

	while ((c = getopt(argc, argv, "n:s:k:v")) != -1) {
		switch (c) {
		case 'n': mutations = strtoul(optarg, NULL, 10); break;
		case 's': seed = strtoul(optarg, NULL, 10); break;
		case 'k': keep = optarg; break;
		case 'v': verbose = true; break;
		default: usage();
		}
	}
	if (optind >= argc)
		usage();
	if (geteuid() != 0)
		die("needs root (BPF_PROG_TEST_RUN); run as root");
	rng_state ^= (uint64_t)seed * 0x9e3779b97f4a7c15ULL;
	for (i = (size_t)optind; i < (size_t)argc; i++)
		read_dir(argv[i]);
	if (!n_inputs)
		die("no inputs in the directories given");

	items = calloc(MAX_ITEMS, sizeof(*items));
	if (!items)
		die("out of memory");
	for (i = 0; i < n_inputs; i++)
		add_item(inputs[i].data, inputs[i].size, inputs[i].name);
	for (i = 0; i < mutations; i++) {
		n = rnd_below(n_inputs);
		c = (int)mutate(inputs[n].data, inputs[n].size, mbuf);
		snprintf(name, sizeof(name), "mutation %zu of %.24s", i, inputs[n].name);
		add_item(mbuf, (size_t)c, name);
	}

	run_program();
	if (keep) {
		write_pcap(keep);
		run_tshark(keep);
	} else {
		fd = mkstemp(pcap);
		if (fd < 0)
			die("cannot make a temporary file: %s", strerror(errno));
		close(fd);
		write_pcap(pcap);
		run_tshark(pcap);
		unlink(pcap);
	}

	for (i = 0; i < n_items; i++) {
		struct item *it = &items[i];
		bool dec_ok = it->x_keys <= 1 && it->x_counted == it->ref.counted &&
			      (!it->x_counted || it->x_key == ref_key(&it->ref));
		bool ts_ok = it->t_seen && x_code(it) == it->t_code && methods_agree(it);

		if (!dec_ok) {
			bad_decoder++;
			if (bad_decoder <= 10) {
				printf("# program and reference decoder differ:\n");
				show(it, i);
			}
		}
		if (ts_ok) {
			agree++;
			continue;
		}
		if (tshark_tunnel_or_tcp(it->t_protocols)) {
			n_left_out++;
			continue;
		}
		it->verdict = explain(it);
		if (it->verdict) {
			documented++;
			if (verbose) {
				printf("# documented (%s):\n", it->verdict);
				show(it, i);
			}
			continue;
		}
		bad_tshark++;
		if (bad_tshark <= 20 || verbose) {
			printf("# program and tshark differ, and no documented difference explains it:\n");
			show(it, i);
		}
	}
	for (i = 0; i < N_DIFFERENCES; i++)
		printf("# documented difference \"%s\": %zu frames (%s)\n", differences[i].name,
		       differences[i].seen, differences[i].why);
	printf("# %zu frames (%zu inputs, %lu mutations, seed %lu): %zu agree with tshark, "
	       "%zu differ as documented, %zu differ otherwise\n",
	       n_items, n_inputs, mutations, seed, agree, documented, bad_tshark);
	printf("# %zu frames left out: SIP inside a tunnel or over TCP (by the reference decoder "
	       "or by tshark), which this comparison runs without\n", n_left_out);
	h_result("oracle: the program counts what the reference decoder says, frame by frame",
		 bad_decoder == 0);
	h_result("oracle: status codes and methods the program counts are those tshark dissects, "
		 "and the other way round, but for documented differences", bad_tshark == 0);
	fails = h_exit() + h_failures;
	return fails ? 1 : 0;
}
