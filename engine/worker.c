/* SPDX-License-Identifier: MIT */
/*
 * engine/worker.c - pyntest-worker, the exec'd side of the engine.
 *
 *   pyntest-worker --run [--parent PID] [--probed LIST] [--plugin PATH]...
 *	spawn mode: the job page is fd 3, the result memfd fd 4; stdout and
 *	stderr are already the test's pipes, all signals blocked.  Prepare
 *	the child (exit when PID, the runner, is no longer the parent),
 *	apply the limits, load the library, run the test, exit.
 *   pyntest-worker --server [--parent PID] [--probed LIST]
 *		[--plugin PATH]...
 *	fork server: the loading page is fd 3, the request socket fd 4.
 *
 * Plug-ins are loaded in the runner's order, so limiter indexes in the
 * page name the same limiters here.  LIST is the runner's probe results
 * (pyn__registry_probed()): the built-in limiters are not probed again
 * here, which would make and remove cgroups for every spawned test.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <host/registry.h>

#include "harness.h"
#include "engine.h"
#include "worker.h"

static int load_plugins(int argc, char **argv, struct pyn__page *page)
{
	const char *probed = NULL;
	struct pyn_error err;
	int i;

	memset(&err, 0, sizeof(err));
	for (i = 2; i + 1 < argc; i++) {
		if (strcmp(argv[i], "--probed") == 0)
			probed = argv[i + 1];
		if (strncmp(argv[i], "--", 2) == 0)
			i++;
	}
	if (pyn__registry_init_probed(probed, &err) != 0)
		goto fail;
	for (i = 2; i + 1 < argc; i++) {
		if (strcmp(argv[i], "--plugin") == 0 &&
		    pyn__registry_add_plugin(argv[i + 1], &err) != 0)
			goto fail;
		if (strncmp(argv[i], "--", 2) == 0)
			i++;
	}
	return 0;
fail:
	if (page) {
		snprintf(page->setup_message, sizeof(page->setup_message),
			 "the worker cannot load its limiters: %s",
			 err.message);
		page->state = PYN_CHILD_SETUP_FAILED;
	}
	return -1;
}

/* --parent PID: the runner, which this process must still be a child of. */
static pid_t parent_of(int argc, char **argv)
{
	long pid = 0;
	int i;

	for (i = 2; i + 1 < argc; i++) {
		if (strcmp(argv[i], "--parent") == 0)
			pid = strtol(argv[i + 1], NULL, 10);
		if (strncmp(argv[i], "--", 2) == 0)
			i++;
	}
	return pid > 0 ? (pid_t)pid : 0;
}

int main(int argc, char **argv)
{
	struct pyn__module *module;
	struct pyn__page *page;

	if (argc < 2) {
		fprintf(stderr, "usage: pyntest-worker --run|--server "
				"[--parent PID] [--probed LIST] "
				"[--plugin PATH]...\n"
				"(started by pyntest, not by people)\n");
		return 2;
	}
	if (strcmp(argv[1], "--run") == 0) {
		sigset_t none;

		/*
		 * spawn_child() blocked every signal for the exec, while the
		 * runner's handlers were still there; now they are not.
		 */
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
	}
	page = pyn__page_map(3);
	if (!page || page->magic != PYN__PAGE_MAGIC) {
		fprintf(stderr, "pyntest-worker: fd 3 is not a job page\n");
		return 2;
	}
	/* Mapped: the fd would be one more of pyntest's in every test. */
	close(3);
	if (load_plugins(argc, argv, page) != 0)
		_exit(PYN__EXIT_SETUP);
	if (strcmp(argv[1], "--server") == 0)
		return pyn__server_main(page, 4);
	if (strcmp(argv[1], "--run") != 0) {
		fprintf(stderr, "pyntest-worker: unknown mode '%s'\n", argv[1]);
		return 2;
	}
	pyn__child_prepare(page, 4, -1, -1, parent_of(argc, argv), false);
	pyn__child_apply(page);
	pyn__child_gate(page, -1, -1);
	module = pyn__child_load(page, false);
	pyn__child_run(page, module, NULL, NULL);
}
