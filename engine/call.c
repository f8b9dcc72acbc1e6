/* SPDX-License-Identifier: MIT */
/*
 * engine/call.c - the synchronous API: one engine, one task (pyn_call,
 * pyn_run), and loading a plug-in for later calls.
 *
 * May use: the engine (pyntest.h), checks.c (the diagnostics before a
 * call), abi.h, the host (registry, loader), libc.  Used by limited.c.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <host/loader.h>
#include <host/registry.h>
#include <pyntest/pyntest.h>

#include "abi.h"
#include "call.h"
#include "checks.h"

static void silent(void *user, const char *message)
{
	(void)user;
	(void)message;
}

int pyn__run_warn(const struct pyn_task *task, const struct pyn_limits *limits,
		  struct pyn_result *res,
		  void (*warn)(void *user, const char *message), void *user,
		  struct pyn_error *err)
{
	struct pyn_engine_options opt = PYN_ENGINE_OPTIONS_INIT;
	struct pyn_engine *e;
	int rc;

	rc = pyn__result_check(res, err);
	if (rc)
		return rc;
	pyn__result_clear(res);
	opt.warn = warn ? warn : silent;
	opt.warn_user = user;
	e = pyn_engine_new(&opt, err);
	if (!e)
		return err ? err->code : PYN_ESYSTEM;
	rc = pyn_engine_submit(e, task, limits, NULL, err);
	if (rc == 0) {
		rc = pyn_engine_next(e, -1, res, NULL, err);
		rc = rc == 1 ? 0 : rc < 0 ? rc : PYN_ESYSTEM;
	}
	pyn_engine_free(e);
	return rc;
}

int pyn_run(const struct pyn_task *task, const struct pyn_limits *limits,
	    struct pyn_result *res, struct pyn_error *err)
{
	return pyn__run_warn(task, limits, res, pyn__stderr_warn, NULL, err);
}

int pyn_call(void (*fn)(void *arg), void *arg, const struct pyn_limits *limits,
	     struct pyn_result *res, struct pyn_error *err)
{
	struct pyn_limits lim;
	struct pyn_task task;
	int rc;

	pyn__result_clear(res);
	if (!fn)
		return pyn_error_set(err, PYN_EINVAL, NULL, 0, 0,
				     "no function to call");
	rc = pyn__limits_read(limits, &lim, err);
	if (rc)
		return rc;
	memset(&task, 0, sizeof(task));
	task.kind = PYN_TASK_FUNCTION;
	task.name = "pyn_call";
	task.fn = fn;
	task.arg = arg;
	/* One-shot: no thread warning here, it would come on every call. */
	pyn__diagnose(&lim, 1, 0, pyn__stderr_warn, NULL);
	return pyn_run(&task, &lim, res, err);
}

int pyn_plugin_load(const char *path, struct pyn_error *err)
{
	char found[PATH_MAX], dir[PATH_MAX];
	int rc = pyn__registry_init(err);

	if (rc)
		return rc;
	/* A bare name ("max_files") may be one of pyntest's own modules. */
	if (path && !strchr(path, '/') &&
	    pyn__module_resolve(path, NULL, "PYNTEST_PLUGIN_PATH", found,
				sizeof(found)) &&
	    !pyn__module_dir(dir, sizeof(dir)) &&
	    !pyn__module_resolve(path, dir, NULL, found, sizeof(found)))
		path = found;
	return pyn__registry_add_plugin(path, err);
}
