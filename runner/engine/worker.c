/* SPDX-License-Identifier: MIT */
/*
 * runner/engine/worker.c - pyntest-worker, the exec'd side of the engine.
 *
 *   pyntest-worker --run [--plugin PATH]...
 *	spawn mode: the job page is fd 3, the result memfd fd 4; stdout and
 *	stderr are already the test's pipes.  Apply the limits, load the
 *	library, run the test, exit.
 *   pyntest-worker --server [--plugin PATH]...
 *	fork server: the loading page is fd 3, the request socket fd 4.
 *
 * Plug-ins are loaded in the runner's order, so limiter indexes in the
 * page name the same limiters here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <plugins/registry.h>

#include "harness.h"
#include "engine.h"
#include "worker.h"

static int load_plugins(int argc, char **argv, struct pyn__page *page)
{
	struct pyn_error err;
	int i;

	memset(&err, 0, sizeof(err));
	if (pyn__registry_init(&err) != 0)
		goto fail;
	for (i = 2; i + 1 < argc; i++) {
		if (strcmp(argv[i], "--plugin") == 0 &&
		    pyn__registry_add_plugin(argv[++i], &err) != 0)
			goto fail;
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

int main(int argc, char **argv)
{
	struct pyn__module *module;
	struct pyn__page *page;

	if (argc < 2) {
		fprintf(stderr, "usage: pyntest-worker --run|--server "
				"[--plugin PATH]...\n"
				"(started by pyntest, not by people)\n");
		return 2;
	}
	page = pyn__page_map(3);
	if (!page || page->magic != PYN__PAGE_MAGIC) {
		fprintf(stderr, "pyntest-worker: fd 3 is not a job page\n");
		return 2;
	}
	if (load_plugins(argc, argv, page) != 0)
		_exit(PYN__EXIT_SETUP);
	if (strcmp(argv[1], "--server") == 0)
		return pyn__server_main(page, 4);
	if (strcmp(argv[1], "--run") != 0) {
		fprintf(stderr, "pyntest-worker: unknown mode '%s'\n", argv[1]);
		return 2;
	}
	pyn__child_prepare(page, 4, -1, -1, 0, false);
	pyn__child_apply(page);
	module = pyn__child_load(page);
	pyn__child_run(page, module, NULL, NULL);
}
