/* SPDX-License-Identifier: MIT */
/*
 * engine/cunit_exec.c - run an unchanged CUnit program under the
 * pyntest shim: the command line, the environment, the exec, and what to
 * say when the program never got to CUnit.
 */
#include <dlfcn.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <host/registry.h>

#include <base/signals.h>

#include "classify.h"
#include "cunit_exec.h"
#include "instrument.h"

extern char **environ;

#if defined(__SANITIZE_ADDRESS__)
#define PYN_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PYN_ASAN 1
#endif
#endif

/*
 * In an AddressSanitizer build the shim needs the ASan runtime loaded
 * first, and the program's own leaks are not ours to report.
 */
static const char *asan_runtime(void)
{
#ifdef PYN_ASAN
	Dl_info info;
	void *p = dlsym(RTLD_DEFAULT, "__asan_init");

	if (p && dladdr(p, &info) && info.dli_fname &&
	    strstr(info.dli_fname, "asan"))
		return info.dli_fname;
#endif
	return NULL;
}

int pyn__cunit_shim_path(const char *worker, char *out, size_t len)
{
	const char *env = getenv("PYNTEST_CUNIT_SHIM");
	const char *slash;

	if (env && env[0] && access(env, R_OK) == 0) {
		snprintf(out, len, "%s", env);
		return 0;
	}
	slash = worker ? strrchr(worker, '/') : NULL;
	if (slash) {
		snprintf(out, len, "%.*s/%s", (int)(slash - worker), worker,
			 PYN__CUNIT_SHIM_NAME);
		if (access(out, R_OK) == 0)
			return 0;
	}
	snprintf(out, len,
		 "cannot find the CUnit shim %s (beside %s; or set "
		 "PYNTEST_CUNIT_SHIM)",
		 PYN__CUNIT_SHIM_NAME,
		 worker && worker[0] ? worker : "pyntest-worker");
	return -1;
}

/* "NAME=..." of `kv` is `name`? */
static int same_name(const char *kv, const char *name, size_t n)
{
	return strncmp(kv, name, n) == 0 && kv[n] == '=';
}

/*
 * 1: the program is built with a sanitizer: its runtime leads LD_PRELOAD
 * and its *SAN_OPTIONS are the user's (docs/instruments.md).
 */
static int program_san;

static int ours(const char *kv)
{
	if (asan_runtime() && !program_san &&
	    strncmp(kv, "ASAN_OPTIONS=", 13) == 0)
		return 1;
	return strncmp(kv, "PYNTEST_CUNIT_", 14) == 0 ||
	       strncmp(kv, "LD_PRELOAD=", 11) == 0;
}

int pyn__cunit_command(const char *shim, const char *mode, const char *program,
		       const char *const *args, size_t n_args,
		       const char *const *env, size_t n_env, char ***argv_out,
		       char ***envp_out)
{
	const char *preload = getenv("LD_PRELOAD");
	size_t n_environ = 0, n_plugins = 0, plen = 0, i, k, j;
	const struct pyn__limiter_slot *slot;
	char **argv = NULL, **envp = NULL, *plugins = NULL, *p;
	char *lines[6] = { NULL };
	const char *asan = asan_runtime();
	struct pyn__instrument in;
	char user_preload[4096];
	int ret = PYN_ENOMEM;

	*argv_out = *envp_out = NULL;
	pyn__instrument_read(program, &in);
	program_san = in.sanitizers != 0;
	if (program_san) {
		/* The program's own runtime, or none: it is linked in. */
		asan = in.runtime[0] ? in.runtime : NULL;
		if (preload) {
			pyn__preload_without_runtimes(preload, user_preload,
						      sizeof(user_preload));
			preload = user_preload;
		}
	}
	for (i = 0; environ && environ[i]; i++)
		n_environ++;
	for (i = 0; i < pyn__registry_count(); i++) {
		slot = pyn__registry_get(i);
		if (slot && !slot->builtin && slot->path[0]) {
			plen += strlen(slot->path) + 1;
			n_plugins++;
		}
	}
	plugins = calloc(1, plen + 1);
	argv = calloc(n_args + 2, sizeof(*argv));
	envp = calloc(n_environ + n_env + 7, sizeof(*envp));
	if (!plugins || !argv || !envp)
		goto out;
	for (i = 0, p = plugins; i < pyn__registry_count(); i++) {
		slot = pyn__registry_get(i);
		if (!slot || slot->builtin || !slot->path[0])
			continue;
		if (p != plugins)
			*p++ = ':';
		p = stpcpy(p, slot->path);
	}
	argv[0] = (char *)program;
	for (i = 0; i < n_args; i++)
		argv[i + 1] = (char *)args[i];
	if (asprintf(&lines[0], "LD_PRELOAD=%s%s%s%s%s", asan ? asan : "",
		     asan ? ":" : "", shim, preload && preload[0] ? ":" : "",
		     preload ? preload : "") < 0)
		lines[0] = NULL;
	if (asprintf(&lines[1], "%s=%s", PYN__CUNIT_ENV_MODE, mode) < 0)
		lines[1] = NULL;
	if (asprintf(&lines[2], "%s=%s", PYN__CUNIT_ENV_PLUGINS, plugins) < 0)
		lines[2] = NULL;
	if (asprintf(&lines[3], "%s=%s", PYN__CUNIT_ENV_PROGRAM, program) < 0)
		lines[3] = NULL;
	if (preload &&
	    asprintf(&lines[4], "%s=%s", PYN__CUNIT_ENV_PRELOAD, preload) < 0)
		lines[4] = NULL;
	/* The program is not instrumented: its crashes are its own. */
	if (asan && !program_san &&
	    asprintf(&lines[5],
		     "%s=verify_asan_link_order=0:"
		     "detect_leaks=0:handle_segv=0:"
		     "handle_sigbus=0:handle_abort=0:"
		     "handle_sigfpe=0:handle_sigill=0",
		     PYN__CUNIT_ENV_ASAN) < 0)
		lines[5] = NULL;
	if (!lines[0] || !lines[1] || !lines[2] || !lines[3] ||
	    (preload && !lines[4]) || (asan && !program_san && !lines[5]))
		goto out;
	k = 0;
	for (i = 0; i < n_environ; i++) {
		const char *eq = strchr(environ[i], '=');
		int overridden = 0;

		if (ours(environ[i]))
			continue;
		for (j = 0; eq && j < n_env; j++)
			if (same_name(env[j], environ[i],
				      (size_t)(eq - environ[i])))
				overridden = 1;
		if (!overridden)
			envp[k++] = environ[i];
	}
	for (j = 0; j < n_env; j++)
		if (strchr(env[j], '=') && !ours(env[j]))
			envp[k++] = (char *)env[j];
	/*
	 * One allocation per string would have to be freed after exec in
	 * the parent: keep our own lines in a block behind the array.
	 */
	for (i = 0; i < 6; i++) {
		if (lines[i])
			envp[k++] = lines[i];
		lines[i] = NULL;
	}
	envp[k] = NULL;
	*argv_out = argv;
	*envp_out = envp;
	argv = envp = NULL;
	ret = 0;
out:
	for (i = 0; i < 6; i++)
		free(lines[i]);
	free(plugins);
	free(argv);
	free(envp);
	(void)n_plugins;
	return ret;
}

int pyn__cunit_page_command(const char *shim, const char *mode,
			    const struct pyn__page *page, char ***argv,
			    char ***envp)
{
	uint32_t i, n_args = page->task.n_args, n_env = page->task.n_env;
	const char **args = calloc(n_args + 1, sizeof(*args));
	const char **env = calloc(n_env + 1, sizeof(*env));
	const char *s;
	int ret;

	if (!args || !env) {
		free(args);
		free(env);
		return PYN_ENOMEM;
	}
	s = page->task.strings + page->task.args;
	for (i = 0; i < n_args; i++, s = pyn__page_next(s))
		args[i] = s;
	s = page->task.strings + page->task.env;
	for (i = 0; i < n_env; i++, s = pyn__page_next(s))
		env[i] = s;
	ret = pyn__cunit_command(shim, mode,
				 pyn__page_str(page, page->task.program), args,
				 n_args, env, n_env, argv, envp);
	free(args);
	free(env);
	return ret;
}

void pyn__cunit_command_free(char **argv, char **envp)
{
	size_t i;

	free(argv);
	if (!envp)
		return;
	for (i = 0; envp[i]; i++)
		if (strncmp(envp[i], "PYNTEST_CUNIT_", 14) == 0 ||
		    strncmp(envp[i], "LD_PRELOAD=", 11) == 0 ||
		    (asan_runtime() && !program_san &&
		     strncmp(envp[i], "ASAN_OPTIONS=", 13) == 0))
			free(envp[i]);
	free(envp);
}

void pyn__cunit_exec(struct pyn__page *page, const char *cwd, char **argv,
		     char **envp)
{
	const char *what = "cannot run test program '";

	if (cwd && cwd[0] && chdir(cwd) != 0) {
		what = "cannot enter the directory of test program '";
	} else {
		execve(argv[0], argv, envp);
	}
	if (page) {
		snprintf(page->setup_message, sizeof(page->setup_message),
			 "%s%s': %s", what, argv[0], strerror(errno));
		page->state = PYN_CHILD_SETUP_FAILED;
	}
	_exit(PYN__EXIT_SETUP);
}

void pyn__cunit_loading_note(char *message, size_t len, const char *program,
			     int wait_status, int killed_by)
{
	char name[32], old[1024];

	if (!program || !len)
		return;
	if (WIFSIGNALED(wait_status) && killed_by == PYN_KILL_NONE &&
	    WTERMSIG(wait_status) != SIGXCPU) {
		snprintf(message, len,
			 "program '%s' was killed by signal %s (%s) before "
			 "running any CUnit test",
			 program,
			 pyn__signal_text(WTERMSIG(wait_status), name,
					  sizeof(name)),
			 strsignal(WTERMSIG(wait_status)));
		return;
	}
	snprintf(old, sizeof(old), "%s", message);
	snprintf(message, len,
		 "%s in program '%s' before it ran any CUnit test", old,
		 program);
}
