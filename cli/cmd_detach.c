// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * sipstat detach: remove exactly what sipstat attached and pinned, in the
 * caller's network namespace, or in the one --netns names (gone: every
 * namespace that is gone; all: every one, as the package's removal does).  Pins of the old path count as the caller's
 * when nothing pinned in the namespace has the name.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "fmt.h"
#include "peers.h"
#include "pin.h"

#define DETACH_MAX 64
#define DETACH_NETNS_MAX 64

/* The peer names attach --peers wrote for ifname, and their directory once empty. */
static void remove_names(const char *ifname)
{
	char path[512], *slash;

	if (peers_names_path(path, sizeof(path), ifname))
		return;
	unlink(path);
	slash = strrchr(path, '/');
	if (slash) {
		*slash = '\0';
		if (strcmp(path, PEERS_RUN_DIR) != 0)
			rmdir(path);	/* the namespace's, once empty */
	}
}

/*
 * ifname in the namespace in use; under the old path when the namespace
 * has none of it (old: its entry, NULL not to look).  0, 1 said, or
 * -ENOENT unsaid with quiet.
 */
static int detach_one(const char *ifname, const struct pin_netns *old, bool quiet)
{
	char msg[512], keep[512], shown[4 * sizeof(msg)], name[4 * IF_NAMESIZE];
	bool was_old = false;
	int e;

	fmt_escape(name, sizeof(name), ifname);
	e = pin_detach(ifname, msg, sizeof(msg));
	if (e == -ENOENT && old && pin_netns_used()->state == PIN_NETNS_CURRENT) {
		snprintf(keep, sizeof(keep), "%s", msg);
		if (!pin_netns_use(old, shown, sizeof(shown))) {
			if (pin_exists(ifname) == 1) {
				e = pin_detach(ifname, msg, sizeof(msg));
				if (!e)
					remove_names(ifname);
				was_old = true;
			}
			pin_netns_use(NULL, shown, sizeof(shown));
		}
		if (e == -ENOENT)
			snprintf(msg, sizeof(msg), "%s", keep);
	}
	if (e == -ENOENT && quiet)
		return e;
	if (e) {
		cli_err("%s", fmt_escape(shown, sizeof(shown), msg));
		return 1;
	}
	if (!was_old)
		remove_names(ifname);
	cli_err("%s: detached, pins %sremoved", name, was_old ? "of the old path " : "");
	return 0;
}

/*
 * -i IFACE..., or --all: every interface pinned in the namespace in use.
 * With quiet, an interface this namespace does not have is no failure
 * (found[] says where it was).
 */
static int detach_in(const struct options *o, const struct pin_netns *old, bool quiet,
		     bool *found)
{
	static char names[DETACH_MAX][IF_NAMESIZE];
	char msg[512], shown[4 * sizeof(msg)];
	int i, n, e, ret = 0;

	if (o->all) {
		n = pin_list(names, DETACH_MAX, msg, sizeof(msg));
		if (n < 0) {
			cli_err("%s", fmt_escape(shown, sizeof(shown), msg));
			return 1;
		}
		if (!n && !quiet)
			cli_err("nothing is pinned under %s for this network namespace", PIN_ROOT);
	} else {
		for (n = 0; n < o->nifs; n++)
			snprintf(names[n], IF_NAMESIZE, "%s", o->ifnames[n]);
	}
	for (i = 0; i < n; i++) {
		e = detach_one(names[i], o->all ? NULL : old, quiet);
		if (e != -ENOENT && !o->all)
			found[i] = true;
		if (e > 0)
			ret = 1;
	}
	return ret;
}

int cmd_detach(const struct options *o)
{
	static struct pin_netns ns[DETACH_NETNS_MAX];
	bool match[DETACH_NETNS_MAX], found[MAX_IFACES] = { false }, quiet;
	const struct pin_netns *old = NULL;
	char msg[512], shown[4 * sizeof(msg)];
	int i, n, k, ret = 0;

	n = pin_netns_list(ns, DETACH_NETNS_MAX, msg, sizeof(msg));
	if (n < 0) {
		cli_err("%s", msg);
		return 1;
	}
	for (i = 0; i < n; i++)
		if (ns[i].old_path)
			old = &ns[i];
	if (!o->netns) {
		ret = detach_in(o, old, false, found);
		pin_netns_free(ns, n);
		return ret;
	}
	k = pin_netns_match(o->netns, ns, n, match, msg, sizeof(msg));
	if (k <= 0) {
		if (!k)
			cli_err("nothing is pinned for the network namespace%s %s",
				strcmp(o->netns, "gone") != 0 ? "" : "s",
				fmt_escape(shown, sizeof(shown), o->netns));
		else
			cli_err("%s", fmt_escape(shown, sizeof(shown), msg));
		pin_netns_free(ns, n);
		return 1;
	}
	/* Many namespaces (gone): an interface counts as missing when none has it. */
	quiet = k > 1 || !strcmp(o->netns, "gone");
	for (i = 0; i < n; i++) {
		if (!match[i])
			continue;
		if (pin_netns_use(&ns[i], msg, sizeof(msg))) {
			cli_err("%s", fmt_escape(shown, sizeof(shown), msg));
			ret = 1;
			continue;
		}
		ret |= detach_in(o, ns[i].state == PIN_NETNS_CURRENT ? old : NULL, quiet, found);
	}
	pin_netns_use(NULL, msg, sizeof(msg));
	pin_netns_free(ns, n);
	for (i = 0; quiet && i < o->nifs; i++) {
		if (found[i])
			continue;
		cli_err("%s: nothing is pinned for it in the network namespaces %s", o->ifnames[i],
			fmt_escape(shown, sizeof(shown), o->netns));
		ret = 1;
	}
	return ret;
}
