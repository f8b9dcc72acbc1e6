/* SPDX-License-Identifier: MIT */
/*
 * runner/report/spool.h - captured output kept on disk, not in the
 * runner's memory, until the reports are written.
 */
#ifndef PYN_RUNNER_REPORT_SPOOL_H
#define PYN_RUNNER_REPORT_SPOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * One unnamed file (O_TMPFILE, else a file unlinked at once) in $TMPDIR
 * or /tmp, appended to: nothing is left on disk when the runner dies.
 */
struct pyn__spool {
	int fd; /* -1: none (then output stays in memory) */
	uint64_t size; /* bytes appended so far */
};

/* Open the spool; returns 0 or an errno value (fd stays -1). */
int pyn__spool_open(struct pyn__spool *s);
void pyn__spool_close(struct pyn__spool *s);
/* Append `len` bytes; *at gets where.  Returns 0 or an errno value. */
int pyn__spool_put(struct pyn__spool *s, const char *buf, size_t len,
		   uint64_t *at);
/*
 * Read `len` bytes at `at` into a new NUL-terminated buffer (*buf, to
 * free).  Returns 0 or an errno value.
 */
int pyn__spool_get(const struct pyn__spool *s, uint64_t at, size_t len,
		   char **buf);

/*
 * The length of buf[0..len) without a UTF-8 sequence cut short at its
 * end, for output cut at a byte limit: the marker then follows a whole
 * character, not half of one (which a report would show as U+FFFD).
 */
size_t pyn__utf8_whole(const char *buf, size_t len);

#endif /* PYN_RUNNER_REPORT_SPOOL_H */
