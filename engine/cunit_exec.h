/* SPDX-License-Identifier: MIT */
/*
 * engine/cunit_exec.h - starting an unchanged CUnit test program
 * with the pyntest shim preloaded (SPEC §2, "CUnit programs").
 *
 * The program's main() runs as usual; when it calls a CUnit run entry
 * point the shim (cunit_shim.c) takes over in that process:
 *   list    writes "suite\0test\0" pairs to the list fd and exits;
 *   server  serves the engine's fork-server protocol: one clone per test;
 *   run     runs the one test of the job page in this process (spawn).
 * The runner passes the mode and fds through the environment; the shim
 * removes every trace of itself from the environment at start.
 */
#ifndef PYN_ENGINE_CUNIT_EXEC_H
#define PYN_ENGINE_CUNIT_EXEC_H

#include <stddef.h>

#include <pyntest/pyntest.h>

#include "engine.h"
#include "page.h"

#define PYN__CUNIT_SHIM_NAME "libpyntest-cunit-shim.so"
#define PYN__CUNIT_ENV_MODE "PYNTEST_CUNIT_MODE"
#define PYN__CUNIT_ENV_PRELOAD "PYNTEST_CUNIT_PRELOAD" /* LD_PRELOAD before */
#define PYN__CUNIT_ENV_PLUGINS "PYNTEST_CUNIT_PLUGINS" /* ':'-separated */
#define PYN__CUNIT_ENV_PROGRAM "PYNTEST_CUNIT_PROGRAM" /* for messages */
#define PYN__CUNIT_ENV_ASAN "ASAN_OPTIONS" /* sanitizer builds only */
/*
 * PYN__CUNIT_LIST_MAGIC, pyn__cunit_command_free and pyn__cunit_exec
 * are in engine.h: the runner uses them too.
 */

/*
 * The shim: $PYNTEST_CUNIT_SHIM, else beside `worker` (the libexec dir).
 * Returns 0, or -1 with the places tried in `out`.
 */
int pyn__cunit_shim_path(const char *worker, char *out, size_t len);

/*
 * argv and envp (malloc'ed, one block each; free with free()) to run
 * `program` with `args` under the shim in `mode`: this process's
 * environment, then `env` ("NAME=VALUE", overriding), LD_PRELOAD with the
 * shim first, and the mode.  Plug-ins are the registry's, in order.
 */
int pyn__cunit_command(const char *shim, const char *mode, const char *program,
		       const char *const *args, size_t n_args,
		       const char *const *env, size_t n_env, char ***argv,
		       char ***envp);

/* The same for the program task of `page`. */
int pyn__cunit_page_command(const char *shim, const char *mode,
			    const struct pyn__page *page, char ***argv,
			    char ***envp);

/*
 * A program's test ended while the program itself was still starting
 * (state LOADING, in main() before any CUnit run call): say so in
 * `message`, which classify wrote.
 */
void pyn__cunit_loading_note(char *message, size_t len, const char *program,
			     int wait_status, int killed_by);

#endif /* PYN_ENGINE_CUNIT_EXEC_H */
