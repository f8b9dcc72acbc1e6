/* SPDX-License-Identifier: MIT */
/*
 * base/isolation.h - the isolation modes by name (SPEC §7), and what the
 * default mode means: one table for the manifest, the command line and
 * pyn_isolation_name().  (The other defaults of a test's limits are
 * PYN_LIMITS_INIT_FIELDS in pyntest.h, the manifest's too.)
 */
#ifndef PYN_BASE_ISOLATION_H
#define PYN_BASE_ISOLATION_H

#include <stddef.h>

#include <pyntest/pyntest.h>

/* X(MODE, name) for the modes a manifest or --isolation may name. */
#define PYN__ISOLATION_TABLE(X)                                                \
	X(FORKSERVER, "forkserver")                                            \
	X(SPAWN, "spawn")                                                      \
	X(FORK, "fork")

/* What PYN_ISOLATION_DEFAULT means for a library's tests. */
#define PYN__LIBRARY_ISOLATION PYN_ISOLATION_FORKSERVER

/* The mode named `text`, or -1 (DEFAULT is no name one may write). */
int pyn__isolation_parse(const char *text);

/* Name `i` of the modes ("forkserver", ...), NULL after the last. */
const char *pyn__isolation_nth(void *user, size_t i);

#endif /* PYN_BASE_ISOLATION_H */
