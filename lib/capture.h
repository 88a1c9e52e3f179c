/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Frames of a capture file (pcap or pcapng, through libpcap) as the XDP
 * program would receive them: Ethernet frames as they are; Linux cooked
 * (SLL, SLL2) and raw IP frames behind an Ethernet header made up from
 * the cooked header's protocol or the IP version, so that the one parser
 * reads every link type.
 */
#ifndef SIPSTAT_LIB_CAPTURE_H
#define SIPSTAT_LIB_CAPTURE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct capture {
	void *pcap;		/* pcap_t */
	const char *path;	/* as given to capture_open, for messages */
	int linktype;		/* DLT_* of the file */
	size_t max;		/* frames longer are cut to their first max bytes */
	uint64_t frames;	/* frames read so far (the number of the last one) */
	uint64_t cut;		/* frames longer than max: cut */
	uint64_t snapped;	/* frames the capture itself holds only in part */
	uint32_t huge_snaplen;	/* pcap header's snap length when beyond any real capture, else 0 */
	struct timespec first, last;	/* capture time of the first and the last frame read */
	uint8_t *buf;		/* a frame with a made-up Ethernet header */
	size_t bufcap;
};

/*
 * Open path ("-": standard input); frames longer than max bytes are handed out cut to max.
 * 0, or -errno with one line in msg naming the file (-EPROTONOSUPPORT: a
 * link type the reader does not know).
 */
int capture_open(struct capture *c, const char *path, size_t max, char *msg, size_t msglen);

/*
 * The next frame: 1 with *data and *len set (valid until the next call),
 * 0 at the end of the file, or -EIO with one line in msg naming the file
 * and the frame number (cut short, a record length beyond the snap length
 * or longer than the frame on the wire).
 */
int capture_next(struct capture *c, const uint8_t **data, size_t *len, char *msg, size_t msglen);

void capture_close(struct capture *c);

/* "Ethernet", "Linux cooked (SLL)", ...; NULL for a link type not read. */
const char *capture_linktype_name(int linktype);

#endif
