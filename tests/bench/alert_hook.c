// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The hook of tests/bench/bench_alert.sh: appends "FRAME_NS NOW_NS" (both
 * CLOCK_REALTIME) to latency.txt beside itself, the moment it runs.  In
 * C so that the figure is sipstat's delivery, not a shell's start-up.
 */
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct timespec now;
	const char *frame = getenv("SIPSTAT_FRAME_TIME_NS");
	char path[4096], line[64], *slash;
	int fd, n;

	clock_gettime(CLOCK_REALTIME, &now);
	if (!frame || argc < 1)
		return 1;
	snprintf(path, sizeof(path), "%s", argv[0]);
	slash = strrchr(path, '/');
	if (!slash)
		return 1;
	snprintf(slash + 1, sizeof(path) - (size_t)(slash + 1 - path), "latency.txt");
	n = snprintf(line, sizeof(line), "%s %" PRIu64 "\n", frame,
		     (uint64_t)now.tv_sec * 1000000000ULL + (uint64_t)now.tv_nsec);
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0644);
	if (fd < 0 || write(fd, line, (size_t)n) != n)
		return 1;
	close(fd);
	return 0;
}
