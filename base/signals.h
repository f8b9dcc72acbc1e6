/* SPDX-License-Identifier: MIT */
/*
 * base/signals.h - signal names, one table for the manifest's
 * `expect: {signal: SIGSEGV}`, the engine's messages and the reports.
 */
#ifndef PYN_BASE_SIGNALS_H
#define PYN_BASE_SIGNALS_H

#include <stddef.h>

/*
 * X(NAME) for every signal with a name of its own (SIG##NAME), in
 * number order on Linux.  Aliases (IOT for ABRT) are read, never
 * written.
 */
#define PYN__SIGNAL_TABLE(X)                                                   \
	X(HUP)                                                                 \
	X(INT)                                                                 \
	X(QUIT)                                                                \
	X(ILL)                                                                 \
	X(TRAP)                                                                \
	X(ABRT)                                                                \
	X(BUS)                                                                 \
	X(FPE)                                                                 \
	X(KILL)                                                                \
	X(USR1)                                                                \
	X(SEGV)                                                                \
	X(USR2)                                                                \
	X(PIPE)                                                                \
	X(ALRM)                                                                \
	X(TERM)                                                                \
	X(STKFLT)                                                              \
	X(CHLD)                                                                \
	X(CONT)                                                                \
	X(STOP)                                                                \
	X(TSTP)                                                                \
	X(TTIN)                                                                \
	X(TTOU)                                                                \
	X(URG)                                                                 \
	X(XCPU)                                                                \
	X(XFSZ)                                                                \
	X(VTALRM)                                                              \
	X(PROF)                                                                \
	X(WINCH)                                                               \
	X(IO)                                                                  \
	X(PWR)                                                                 \
	X(SYS)
#define PYN__SIGNAL_ALIASES(X) X(IOT, ABRT)

/* The highest signal number `expect: {signal: N}` accepts. */
#define PYN__SIGNAL_MAX 64

/* "SIGSEGV" for SIGSEGV; NULL for a number with no name of its own. */
const char *pyn__signal_name(int sig);

/* "SIGSEGV", or "signal 77" when it has no name.  Returns buf. */
const char *pyn__signal_text(int sig, char *buf, size_t len);

/*
 * A signal by name, any case, with or without "SIG" ("SIGSEGV", "segv",
 * "SigIot"), or by number 1 to PYN__SIGNAL_MAX; -1 when unknown.
 */
int pyn__signal_parse(const char *text);

/*
 * Name `i` of every name pyn__signal_parse() reads ("SIGHUP", ...,
 * aliases last), NULL after the last: for did-you-mean and the schema.
 */
const char *pyn__signal_nth(void *user, size_t i);

#endif /* PYN_BASE_SIGNALS_H */
