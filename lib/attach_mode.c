// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <string.h>

#include "attach_mode.h"

const char *attach_mode_name(enum attach_mode m)
{
	switch (m) {
	case ATTACH_NATIVE:
		return "native";
	case ATTACH_SKB:
		return "skb";
	case ATTACH_TC:
		return "tc";
	default:
		return "auto";
	}
}

int attach_mode_parse(const char *s, enum attach_mode *m)
{
	if (!strcmp(s, "native") || !strcmp(s, "drv"))
		*m = ATTACH_NATIVE;
	else if (!strcmp(s, "skb") || !strcmp(s, "generic"))
		*m = ATTACH_SKB;
	else if (!strcmp(s, "auto"))
		*m = ATTACH_AUTO;
	else if (!strcmp(s, "tc"))
		*m = ATTACH_TC;
	else
		return -EINVAL;
	return 0;
}
