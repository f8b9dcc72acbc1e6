/* SPDX-License-Identifier: MIT */
/*
 * runner/engine/server.h - fork servers: one pyntest-worker --server per
 * (library, limits of its first test), which loads the library once and
 * clones a child per test with CLONE_PARENT, so the runner is the parent
 * of every test process.
 */
#ifndef PYN_ENGINE_SERVER_H
#define PYN_ENGINE_SERVER_H

#include <stddef.h>
#include <sys/types.h>

#include <pyntest/pyntest.h>

#include "page.h"

struct pyn_engine;
struct pyn__servers;

/* NULL when fork servers cannot be used here (the engine then spawns). */
struct pyn__servers *pyn__servers_new(void);
void pyn__servers_free(struct pyn__servers *servers);

/*
 * Start the test of `page` in the server of its library (starting that
 * server first, which blocks until it loaded the library).  Returns the
 * test's pid, a child of this process; 0 when no server can serve this
 * library (the engine then spawns the test, which loads the library
 * itself and so meets whatever stopped the server); or -1 with `why`.
 */
pid_t pyn__servers_start(struct pyn__servers *servers, struct pyn_engine *e,
			 struct pyn__page *page, int page_fd, int result_fd,
			 int out_fd, int err_fd,
			 const struct pyn_limits *limits, char *why,
			 size_t why_len);

/* The engine's interrupt eventfd. */
int pyn__engine_intr_fd(struct pyn_engine *e);
/* The engine's worker path ("" when not found). */
const char *pyn__engine_worker(struct pyn_engine *e);
char **pyn__worker_argv(struct pyn_engine *e, const char *mode,
			const char *const *extra, size_t n_extra);

#endif /* PYN_ENGINE_SERVER_H */
