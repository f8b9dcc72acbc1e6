/* SPDX-License-Identifier: MIT */
/*
 * engine/instrument.h - sanitizers: which runtime a test library or
 * program needs (read from its ELF file, never loaded), the environment
 * that loads it first, and what a sanitizer's report on a test's stderr
 * says.
 */
#ifndef PYN_ENGINE_INSTRUMENT_H
#define PYN_ENGINE_INSTRUMENT_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "engine.h"

/* A file's sanitizers and how to load their runtime. */
struct pyn__instrument {
	char *path; /* the file read (cache key) */
	unsigned sanitizers; /* PYN__SAN_* of engine.h */
	/*
	 * The shared runtime that must come first in the process (libasan,
	 * libtsan, liblsan, libclang_rt.*): a full path when found, else
	 * its soname, which the dynamic loader searches for; "" when the
	 * runtime is linked into the program, or none is needed.
	 */
	char runtime[PATH_MAX];
	struct pyn__instrument *next;
};

/*
 * Read what `path` needs (DT_NEEDED runtimes, a runtime linked into a
 * program, a clang library's undefined __asan_* references).  Never
 * fails: a file it cannot read needs nothing.
 */
void pyn__instrument_read(const char *path, struct pyn__instrument *out);

/* The same, read once per path: kept in the list at `*cache`. */
const struct pyn__instrument *pyn__instrument_of(struct pyn__instrument **cache,
						 const char *path);
void pyn__instrument_free(struct pyn__instrument *cache);

/*
 * The environment of a process that loads a library or program needing
 * `in`: `base` (NULL: environ) with LD_PRELOAD led by the runtime (the
 * user's own preloads after it, but none of another sanitizer).  NULL
 * entries of `base` end it.  One block: free() it.  NULL when out of
 * memory.
 */
char **pyn__instrument_env(const struct pyn__instrument *in, char **base);

/*
 * `preload` (LD_PRELOAD's value) without any sanitizer runtime, into
 * `out`, colon-separated; returns its length.
 */
size_t pyn__preload_without_runtimes(const char *preload, char *out,
				     size_t len);

/* What a sanitizer's report on a test's stderr says. */
struct pyn__san_report {
	const char *tool; /* "AddressSanitizer", ...; NULL: no report */
	char summary[512]; /* the SUMMARY: line, or the first report line */
	/* The sanitizer's allocator refused an allocation (too big, OOM). */
	bool allocation_refused;
};

/* Find a report in `len` bytes of stderr at `buf`; 1 found, 0 none. */
int pyn__sanitizer_report(const char *buf, size_t len,
			  struct pyn__san_report *r);

#endif /* PYN_ENGINE_INSTRUMENT_H */
