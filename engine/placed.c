/* SPDX-License-Identifier: MIT */
/*
 * engine/placed.c - where the host created a test's process: the
 * cgroup v2 directory of clone3's CLONE_INTO_CGROUP, which the host's
 * placed_in() (include/pyntest/limiter.h) tells a limiter's apply().
 * Apart from the harness so that the limiters' unit tests can link it.
 */
#include <stddef.h>

#include "harness.h"

/*
 * The cgroup v2 directory the host created this test in, NULL if none:
 * the caller's string, which lives as long as the child (no copy: every
 * page a child writes is one more page fault).
 */
static const char *placed_dir;

PYN__CHILD_TEXT void pyn__child_placed(const char *dir)
{
	/* The fork server set the same before the clone: no store, no fault. */
	if (placed_dir != dir)
		placed_dir = dir;
}

/*
 * `dir`, or its "/cgroup.procs" (what a limiter keeps), is where the host
 * created this process.  No libc: its strcmp() is code to fault in.
 */
PYN__CHILD_TEXT int pyn__child_placed_in(const char *dir)
{
	/* On the stack, from immediates: no read-only data page either. */
	const char procs[] = "/cgroup.procs";
	const char *a = dir, *b = placed_dir;
	size_t i;

	if (!a || !b)
		return 0;
	while (*a && *a == *b)
		a++, b++;
	if (*b)
		return 0;
	for (i = 0; *a && *a == procs[i]; i++)
		a++;
	return *a == '\0' && (i == 0 || procs[i] == '\0');
}
