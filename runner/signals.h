/* SPDX-License-Identifier: MIT */
/*
 * runner/signals.h - what each signal a user can send means to pyntest
 * (docs/cli.md "Signals").
 */
#ifndef PYN_RUNNER_SIGNALS_H
#define PYN_RUNNER_SIGNALS_H

#include <stdio.h>

#include "engine/engine.h"
#include "runner/report/report.h"

/* Bytes the handler writes to the self-pipe. */
#define PYN__SIGNAL_INTERRUPT 'I'
#define PYN__SIGNAL_STATUS 'S'

/*
 * Install the handlers: SIGINT, SIGTERM, SIGHUP, SIGQUIT and SIGALRM
 * interrupt the run; SIGUSR1 asks for a status line on stderr; SIGUSR2
 * and SIGPIPE are caught and do nothing (a write to a closed stdout then
 * fails with EPIPE and pyntest goes on without printing).  Handlers, not
 * SIG_IGN, so that programs pyntest runs start with the default.  Returns
 * the read end of the self-pipe, or -1 with errno set.
 */
int pyn__signals_install(void);
/* The engine the handler interrupts (NULL: none). */
void pyn__signals_engine(struct pyn_engine *engine);
/* Print where the run is (SIGUSR1) to `f`: done/total and running tests. */
void pyn__signals_status(struct pyn__console *c, FILE *f);

#endif /* PYN_RUNNER_SIGNALS_H */
