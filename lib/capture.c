// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Capture files through libpcap, which knows pcap and pcapng and checks
 * their headers and record lengths.  What it reports as damage comes
 * back here as a message with the file and the number of the frame.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Not libpcap's struct bpf_insn, which clashes with the kernel's <linux/bpf.h>. */
#define PCAP_DONT_INCLUDE_PCAP_BPF_H
#include <pcap/dlt.h>
#include <pcap/pcap.h>

#include "capture.h"

#define ETH_HLEN 14
#define SLL_HLEN 16
#define SLL2_HLEN 20
#define ETH_P_IP 0x0800
#define ETH_P_IPV6 0x86dd
/* libpcap's largest snap length (MAXIMUM_SNAPLEN); a header beyond it is damaged or odd. */
#define SNAPLEN_MAX 262144

/*
 * The snap length of a pcap file header, read before libpcap takes the
 * file (which clamps it silently): 0 for pcapng, a pipe or a short file.
 */
static uint32_t pcap_header_snaplen(FILE *f)
{
	uint8_t h[24];
	uint32_t magic, snap;
	size_t n;

	if (fseek(f, 0, SEEK_CUR))
		return 0;
	n = fread(h, 1, sizeof(h), f);
	if (fseek(f, 0, SEEK_SET) || n != sizeof(h))
		return 0;
	magic = (uint32_t)h[0] | (uint32_t)h[1] << 8 | (uint32_t)h[2] << 16 | (uint32_t)h[3] << 24;
	snap = (uint32_t)h[16] | (uint32_t)h[17] << 8 | (uint32_t)h[18] << 16 |
	       (uint32_t)h[19] << 24;
	if (magic == 0xa1b2c3d4 || magic == 0xa1b23c4d)
		return snap;
	if (magic == 0xd4c3b2a1 || magic == 0x4d3cb2a1)
		return __builtin_bswap32(snap);
	return 0;
}

const char *capture_linktype_name(int linktype)
{
	switch (linktype) {
	case DLT_EN10MB:
		return "Ethernet";
	case DLT_LINUX_SLL:
		return "Linux cooked (SLL)";
	case DLT_LINUX_SLL2:
		return "Linux cooked v2 (SLL2)";
	case DLT_RAW:
		return "raw IP";
	case DLT_IPV4:
		return "raw IPv4";
	case DLT_IPV6:
		return "raw IPv6";
	default:
		return NULL;
	}
}

int capture_open(struct capture *c, const char *path, size_t max, char *msg, size_t msglen)
{
	char errbuf[PCAP_ERRBUF_SIZE] = "";
	pcap_t *p;
	uint32_t snap;
	FILE *f;
	int e;

	memset(c, 0, sizeof(*c));
	c->path = path;
	c->max = max;
	f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	if (!f) {
		e = -errno;
		snprintf(msg, msglen, "cannot open %s: %s", path, strerror(-e));
		return e;
	}
	snap = pcap_header_snaplen(f);
	p = pcap_fopen_offline_with_tstamp_precision(f, PCAP_TSTAMP_PRECISION_NANO, errbuf);
	if (!p) {
		if (f != stdin)
			fclose(f);
		snprintf(msg, msglen, "%s: not a capture file libpcap can read (pcap, pcapng): %s",
			 path, errbuf);
		return -EINVAL;
	}
	c->linktype = pcap_datalink(p);
	if (snap > SNAPLEN_MAX)
		c->huge_snaplen = snap;
	if (!capture_linktype_name(c->linktype)) {
		const char *name = pcap_datalink_val_to_name(c->linktype);

		snprintf(msg, msglen,
			 "%s: link type %d (%s) is not read: Ethernet, Linux cooked (SLL, SLL2) "
			 "and raw IP are",
			 path, c->linktype, name ? name : "unknown");
		pcap_close(p);
		return -EPROTONOSUPPORT;
	}
	c->bufcap = max + ETH_HLEN;
	c->buf = malloc(c->bufcap);
	if (!c->buf) {
		pcap_close(p);
		snprintf(msg, msglen, "out of memory");
		return -ENOMEM;
	}
	c->pcap = p;
	return 0;
}

/* A made-up Ethernet header with type, then the bytes of the frame. */
static const uint8_t *behind_eth(struct capture *c, uint16_t type, const uint8_t *in,
				 size_t inlen, size_t *len)
{
	uint8_t *b = c->buf;

	memset(b, 0, 12);
	b[12] = (uint8_t)(type >> 8);
	b[13] = (uint8_t)type;
	if (inlen > c->bufcap - ETH_HLEN)
		inlen = c->bufcap - ETH_HLEN;
	memcpy(b + ETH_HLEN, in, inlen);
	*len = ETH_HLEN + inlen;
	return b;
}

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

int capture_next(struct capture *c, const uint8_t **data, size_t *len, char *msg, size_t msglen)
{
	struct pcap_pkthdr *h;
	const u_char *pkt;
	const uint8_t *out;
	size_t n, outlen;
	int r;

	r = pcap_next_ex(c->pcap, &h, &pkt);
	if (r == PCAP_ERROR_BREAK)
		return 0;
	if (r != 1) {
		snprintf(msg, msglen, "%s: frame %llu: %s", c->path,
			 (unsigned long long)c->frames + 1, pcap_geterr(c->pcap));
		return -EIO;
	}
	if (h->caplen > h->len) {
		snprintf(msg, msglen,
			 "%s: frame %llu: damaged record: %u bytes captured of a frame of %u bytes",
			 c->path, (unsigned long long)c->frames + 1, h->caplen, h->len);
		return -EIO;
	}
	c->frames++;
	c->last.tv_sec = h->ts.tv_sec;
	c->last.tv_nsec = h->ts.tv_usec;	/* nanoseconds: opened with that precision */
	if (c->frames == 1)
		c->first = c->last;
	n = h->caplen;
	if (h->caplen < h->len)
		c->snapped++;
	switch (c->linktype) {
	case DLT_LINUX_SLL:
		if (n < SLL_HLEN)
			out = behind_eth(c, 0, pkt, 0, &outlen);
		else
			out = behind_eth(c, be16(pkt + 14), pkt + SLL_HLEN, n - SLL_HLEN, &outlen);
		break;
	case DLT_LINUX_SLL2:
		if (n < SLL2_HLEN)
			out = behind_eth(c, 0, pkt, 0, &outlen);
		else
			out = behind_eth(c, be16(pkt), pkt + SLL2_HLEN, n - SLL2_HLEN, &outlen);
		break;
	case DLT_RAW:
	case DLT_IPV4:
	case DLT_IPV6: {
		uint16_t type = 0;

		if (n && pkt[0] >> 4 == 4)
			type = ETH_P_IP;
		else if (n && pkt[0] >> 4 == 6)
			type = ETH_P_IPV6;
		out = behind_eth(c, type, pkt, n, &outlen);
		break;
	}
	default:
		out = pkt;
		outlen = n;
		break;
	}
	/* As XDP sees the first buffer of a longer frame: its first bytes. */
	if (outlen > c->max) {
		outlen = c->max;
		c->cut++;
	}
	*data = out;
	*len = outlen;
	return 1;
}

void capture_close(struct capture *c)
{
	if (c->pcap)
		pcap_close(c->pcap);
	c->pcap = NULL;
	free(c->buf);
	c->buf = NULL;
}
