/* SPDX-License-Identifier: MIT */
/*
 * runner/report/stream_text.h - what TAP (tap.c) and the JSON events
 * (events.c) both say about a test, in the same words (stream.c).
 */
#ifndef PYN_RUNNER_REPORT_STREAM_TEXT_H
#define PYN_RUNNER_REPORT_STREAM_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "runner/report/report.h"

/* "wall_time", "cpu_time", "memory" for an outcome a limit caused. */
const char *pyn__limit_hit(enum pyn_outcome outcome);
/* Never started: the run stopped first (-x, a signal). */
bool pyn__entry_is_not_run(const struct pyn__report_entry *e);
/*
 * Met an expectation other than `pass` by not passing (`expect: fail`
 * and it failed): TAP's "not ok ... # TODO".
 */
bool pyn__entry_is_xfail(const struct pyn__report_entry *e);
/*
 * `n` bytes as one double-quoted string that is both JSON and YAML:
 * escapes for '"', '\\' and control characters, U+FFFD for bytes that are
 * not UTF-8.  With `max` > 0 only the last `max` bytes, after "[...] ".
 */
void pyn__quoted(FILE *f, const char *s, size_t n, size_t max);

#endif /* PYN_RUNNER_REPORT_STREAM_TEXT_H */
