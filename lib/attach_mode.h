/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * How ingress is counted (--mode): XDP in native or skb mode, or auto
 * (native where the driver takes it, else skb), or a TC program on the
 * clsact hook instead of XDP.  The pins keep the mode of an attachment
 * (sipstat_meta.mode), so the numbers are part of the pinned layout.
 */
#ifndef SIPSTAT_LIB_ATTACH_MODE_H
#define SIPSTAT_LIB_ATTACH_MODE_H

/*
 * ATTACH_TC counts ingress with a TC program on the clsact hook instead of
 * XDP: it shares the hook with any XDP program another tool has there.
 */
enum attach_mode { ATTACH_AUTO = 0, ATTACH_NATIVE, ATTACH_SKB, ATTACH_TC };

/* "auto", "native", "skb", "tc". */
const char *attach_mode_name(enum attach_mode m);
/* native (or drv), skb (or generic), auto, tc.  0 or -EINVAL. */
int attach_mode_parse(const char *s, enum attach_mode *m);

#endif
