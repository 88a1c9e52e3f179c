/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * For make check only (clang-tidy -include): what the static analyzer
 * cannot see inside libbpf.  bpf_object__destroy_skeleton() frees the
 * skeleton it is given (libbpf.c), so the generated skeleton's error path
 * does not leak; without this the analyzer reports a leak in every file
 * that opens the skeleton.  Never compiled into a program.
 */
#ifndef SIPSTAT_ANALYZER_MODEL_H
#define SIPSTAT_ANALYZER_MODEL_H

#include <stdlib.h>
#include <bpf/libbpf.h>

#define bpf_object__destroy_skeleton(s) ((bpf_object__destroy_skeleton)(s), free(s))

#endif
