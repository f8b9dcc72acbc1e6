/* SPDX-License-Identifier: MIT */
/*
 * engine/call.c - the synchronous API: one engine, one task.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <host/loader.h>
#include <host/registry.h>
#include <pyntest/pyntest.h>

#include "abi.h"
#include "limited.h"

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

int pyn_supports(const char *limit, char *provider, size_t provider_len,
		 char *why, size_t why_len)
{
	const struct pyn__limiter_slot *slot;

	if (provider && provider_len)
		provider[0] = '\0';
	if (why && why_len)
		why[0] = '\0';
	if (pyn__registry_init(NULL) != 0) {
		if (why)
			snprintf(why, why_len, "the limiters could not start");
		return 0;
	}
	slot = limit ? pyn__registry_find(limit, NULL) : NULL;
	if (!slot) {
		if (why)
			snprintf(why, why_len, "no limiter named '%s'",
				 limit ? limit : "");
		return 0;
	}
	if (provider)
		snprintf(provider, provider_len, "%s", slot->provider);
	if (!slot->supported) {
		if (why)
			snprintf(why, why_len, "%s", slot->why);
		return 0;
	}
	return 1;
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
