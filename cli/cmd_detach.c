// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* sipstat detach: remove exactly what sipstat attached and pinned. */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include "cli.h"
#include "peers.h"
#include "pin.h"

int cmd_detach(const struct options *o)
{
	char names[64][IF_NAMESIZE], msg[512];
	int i, n, ret = 0;

	if (o->all) {
		n = pin_list(names, 64, msg, sizeof(msg));
		if (n < 0) {
			cli_err("%s", msg);
			return 1;
		}
		if (!n)
			cli_err("nothing is pinned under %s", PIN_ROOT);
	} else {
		for (n = 0; n < o->nifs; n++)
			snprintf(names[n], IF_NAMESIZE, "%s", o->ifnames[n]);
	}
	for (i = 0; i < n; i++) {
		if (pin_detach(names[i], msg, sizeof(msg))) {
			cli_err("%s", msg);
			ret = 1;
			continue;
		}
		if (!peers_names_path(msg, sizeof(msg), names[i]))
			unlink(msg);	/* the peer names written by attach --peers */
		cli_err("%s: detached, pins removed", names[i]);
	}
	return ret;
}
