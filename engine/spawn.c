/* SPDX-License-Identifier: MIT */
/*
 * engine/spawn.c - making a test's process in FORK mode (fork(), this
 * process's image) and SPAWN mode (pyntest-worker --run, by posix_spawn
 * where it can, else fork + exec; a CUnit program under its shim), and
 * finding pyntest-worker.  Fork servers clone theirs (server_jobs.c).
 *
 * May call: exits.c, streams.c, the child side (harness.c,
 * cunit_exec.c), the registry (host/).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <host/loader.h>

#include "cunit_exec.h"
#include "engine.h"
#include "harness.h"
#include "instrument.h"
#include "internal.h"

static int usable(const char *path)
{
	return path && path[0] && access(path, X_OK) == 0;
}

/* Given, $PYNTEST_WORKER, or PREFIX/PYN_LIBEXEC_RELDIR/pyntest-worker. */
static void worker_path(char *out, size_t len, const char *given)
{
	out[0] = '\0';
	if (usable(given)) {
		snprintf(out, len, "%s", given);
		return;
	}
	if (usable(getenv("PYNTEST_WORKER"))) {
		snprintf(out, len, "%s", getenv("PYNTEST_WORKER"));
		return;
	}
	if (pyn__install_path(PYN_LIBEXEC_RELDIR, "pyntest-worker", out, len))
		out[0] = '\0';
}

/* The worker, and how to start it in spawn mode: read once, not per test. */
void pyn__worker_find(struct pyn_engine *e, const char *given)
{
	const char *spawn_fork = getenv("PYNTEST_SPAWN_FORK");

	const char *slash;

	e->spawn_fork = spawn_fork && strcmp(spawn_fork, "1") == 0;
	worker_path(e->worker, sizeof(e->worker), given);
	slash = strrchr(e->worker, '/');
	snprintf(e->worker_san, sizeof(e->worker_san), "%.*s/%s",
		 slash ? (int)(slash - e->worker) : 1, slash ? e->worker : ".",
		 PYN__WORKER_SAN_NAME);
}

char **pyn__worker_instrumented(struct pyn_engine *e,
				const struct pyn__instrument *in, char **argv,
				char *error, size_t len)
{
	char **envp;

	if (!usable(e->worker_san)) {
		snprintf(error, len,
			 "cannot run a test built with a sanitizer: no %s "
			 "beside %s",
			 PYN__WORKER_SAN_NAME, e->worker);
		return NULL;
	}
	envp = pyn__instrument_env(in, NULL);
	if (!envp) {
		snprintf(error, len, "out of memory");
		return NULL;
	}
	argv[0] = e->worker_san;
	return envp;
}

const char *pyn__engine_worker(struct pyn_engine *e)
{
	return e->worker;
}

/*
 * A test library's test starts with no fd of this process's open but
 * stdin, stdout, stderr and the result page (docs/guarantees.md, "What a
 * test sees").  A function of the caller's own (PYN_TASK_FUNCTION) keeps
 * the caller's fds: they are its own.
 */
static void close_all_but(int keep)
{
	if (keep > 3)
		syscall(SYS_close_range, 3U, (unsigned)keep - 1, 0U);
	syscall(SYS_close_range, keep >= 3 ? (unsigned)keep + 1 : 3U, ~0U, 0U);
}

/*
 * The child of FORK mode: this process's image, limited, then the task.
 * Only async-signal-safe calls until the test runs.
 */
static __attribute__((noreturn)) void
fork_child(struct pyn__job *job, pid_t parent, int out_w, int err_w)
{
	struct pyn__module *module = NULL;

	if (job->out.fd >= 0)
		close(job->out.fd);
	if (job->err.fd >= 0)
		close(job->err.fd);
	job->page->limited = 1;
	pyn__child_prepare(job->page, job->result_fd, out_w, err_w, parent,
			   !job->page->foreground);
	pyn__child_apply(job->page);
	pyn__child_gate(job->page, -1, -1);
	if (job->page->task.kind != PYN_TASK_FUNCTION) {
		close_all_but(job->result_fd);
		module = pyn__child_load(job->page, false);
	}
	pyn__child_run(job->page, module, job->fn, job->arg);
}

/*
 * argv for `pyntest-worker`: this process (the worker's parent: it checks
 * that it still is, after setting its death signal), its probe results,
 * so the worker does not probe again, and the plug-ins, in registry
 * order.  One block: the caller frees argv only.
 */
char **pyn__worker_argv(struct pyn_engine *e, const char *mode,
			const char *const *extra, size_t n_extra)
{
	size_t n, i, k = 0, n_ptrs, len, got;
	const struct pyn__limiter_slot *slot;
	char **argv, *probed, *parent;

	for (;;) {
		n = pyn__registry_count();
		len = pyn__registry_probed(NULL, 0) + 1;
		n_ptrs = 2 * n + n_extra + 7;
		argv = calloc(1, n_ptrs * sizeof(*argv) + 24 + len);
		if (!argv)
			return NULL;
		parent = (char *)(argv + n_ptrs);
		probed = parent + 24;
		got = pyn__registry_probed(probed, len);
		/* A plug-in added meanwhile (API callers): take it too. */
		if (got < len && pyn__registry_count() == n)
			break;
		free(argv);
	}
	snprintf(parent, 24, "%ld", (long)getpid());
	argv[k++] = e->worker;
	argv[k++] = (char *)mode;
	for (i = 0; i < n_extra; i++)
		argv[k++] = (char *)extra[i];
	argv[k++] = "--parent";
	argv[k++] = parent;
	argv[k++] = "--probed";
	argv[k++] = probed;
	for (i = 0; i < n; i++) {
		slot = pyn__registry_get(i);
		if (!slot || slot->builtin || !slot->path[0])
			continue;
		argv[k++] = "--plugin";
		argv[k++] = (char *)slot->path;
	}
	argv[k] = NULL;
	return argv;
}

extern char **environ;

/*
 * SPAWN mode's worker made without a copy of the runner: posix_spawn()
 * (glibc clones with CLONE_VM | CLONE_VFORK), so no page table of the
 * runner is copied and torn down again for each test: what
 * spawn_child() does before its exec, as spawn actions.  Returns the
 * pid, or -1 when it cannot (the caller forks then, as before; an exec
 * that fails is reported from there).
 */
static pid_t spawn_worker(struct pyn__job *job, char **argv, char **env,
			  int out_w, int err_w)
{
#if defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 34)
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t all;
	pid_t pid = -1;
	int ok, pfd, rfd;

	/* Out of the way of 3 and 4 first, as spawn_child() does. */
	pfd = fcntl(job->page_fd, F_DUPFD_CLOEXEC, 10);
	rfd = fcntl(job->result_fd, F_DUPFD_CLOEXEC, 10);
	ok = pfd >= 0 && rfd >= 0 && posix_spawn_file_actions_init(&fa) == 0;
	if (ok && posix_spawnattr_init(&at) != 0) {
		posix_spawn_file_actions_destroy(&fa);
		ok = 0;
	}
	if (ok) {
		if (out_w >= 0 && out_w != STDOUT_FILENO)
			ok &= !posix_spawn_file_actions_adddup2(&fa, out_w,
								STDOUT_FILENO);
		if (err_w >= 0 && err_w != STDERR_FILENO)
			ok &= !posix_spawn_file_actions_adddup2(&fa, err_w,
								STDERR_FILENO);
		ok &= !posix_spawn_file_actions_adddup2(&fa, pfd, 3);
		ok &= !posix_spawn_file_actions_adddup2(&fa, rfd, 4);
		ok &= !posix_spawn_file_actions_addclosefrom_np(&fa, 5);
		/*
		 * Every signal blocked, its own process group (in the
		 * foreground: the terminal's, the runner's).
		 */
		sigfillset(&all);
		ok &= !posix_spawnattr_setsigmask(&at, &all);
		ok &= !posix_spawnattr_setpgroup(&at, 0);
		ok &= !posix_spawnattr_setflags(
			&at, POSIX_SPAWN_SETSIGMASK |
				     (job->page->foreground ?
					      0 :
					      POSIX_SPAWN_SETPGROUP));
		/* A wrapper is found in PATH, as a shell would. */
		if (ok && job->wrapper &&
		    posix_spawnp(&pid, argv[0], &fa, &at, argv, env) != 0)
			pid = -1;
		else if (ok && !job->wrapper &&
			 posix_spawn(&pid, argv[0], &fa, &at, argv, env) != 0)
			pid = -1;
		posix_spawnattr_destroy(&at);
		posix_spawn_file_actions_destroy(&fa);
	}
	if (pfd >= 0)
		close(pfd);
	if (rfd >= 0)
		close(rfd);
	return ok ? pid : -1;
#else
	(void)job;
	(void)argv;
	(void)env;
	(void)out_w;
	(void)err_w;
	return -1;
#endif
}

/*
 * The child of SPAWN mode: exec'd into pyntest-worker with the page on
 * fd 3 and the result memfd on fd 4.  Only what must come before the exec
 * happens here: the process group (the runner kills by it), the output,
 * and every signal blocked, so no handler of the runner's runs in this
 * copy of it; the worker's pyn__child_prepare() does the rest once
 * (signals, mask, stdin, death signal against `parent`, RSS at start).
 * A CUnit program runs its own main() first: it gets all of it here.
 */
static __attribute__((noreturn)) void spawn_child(struct pyn__job *job,
						  char **argv, char **envp,
						  char **san_env, pid_t parent,
						  int out_w, int err_w)
{
	sigset_t all;
	int pfd, rfd;

	if (job->out.fd >= 0)
		close(job->out.fd);
	if (job->err.fd >= 0)
		close(job->err.fd);
	if (envp) {
		pyn__child_prepare(job->page, -1, out_w, err_w, parent, true);
	} else {
		sigfillset(&all);
		sigprocmask(SIG_SETMASK, &all, NULL);
		if (!job->page->foreground)
			setpgid(0, 0);
		if (out_w >= 0 && out_w != STDOUT_FILENO)
			dup2(out_w, STDOUT_FILENO);
		if (err_w >= 0 && err_w != STDERR_FILENO)
			dup2(err_w, STDERR_FILENO);
	}
	pfd = fcntl(job->page_fd, F_DUPFD, 10);
	rfd = fcntl(job->result_fd, F_DUPFD, 10);
	if (pfd < 0 || rfd < 0 || dup2(pfd, 3) < 0 || dup2(rfd, 4) < 0) {
		job->page->state = PYN_CHILD_SETUP_FAILED;
		_exit(PYN__EXIT_SETUP);
	}
	syscall(SYS_close_range, 5, ~0U, 0);
	/* A CUnit program runs its own main() under the shim. */
	if (envp)
		pyn__cunit_exec(job->page,
				pyn__page_str(job->page, job->page->task.cwd),
				argv, envp);
	if (job->wrapper)
		execvpe(argv[0], argv, san_env ? san_env : environ);
	else
		execve(argv[0], argv, san_env ? san_env : environ);
	snprintf(job->page->setup_message, sizeof(job->page->setup_message),
		 "cannot run the %s '%s': %s",
		 job->wrapper ? "wrapper" : "worker", argv[0], strerror(errno));
	job->page->state = PYN_CHILD_SETUP_FAILED;
	_exit(PYN__EXIT_SETUP);
}

int pyn__spawn(struct pyn_engine *e, struct pyn__job *job)
{
	pid_t parent = 0;
	char **argv = NULL, **envp = NULL, **san_env = NULL, **block = NULL;
	char shim[4096];
	int rc = -1;

	if (job->isolation == PYN_ISOLATION_SPAWN && job->page->task.program) {
		if (pyn__cunit_shim_path(e->worker, shim, sizeof(shim)) != 0) {
			snprintf(job->host_error, sizeof(job->host_error), "%s",
				 shim);
			goto out;
		}
		if (pyn__cunit_page_command(shim, "run", job->page, &argv,
					    &envp) != 0) {
			snprintf(job->host_error, sizeof(job->host_error),
				 "out of memory");
			goto out;
		}
	} else if (job->isolation == PYN_ISOLATION_SPAWN) {
		argv = pyn__worker_argv(e, "--run", NULL, 0);
		/* The worker's argv is one block: kept until the end. */
		if (argv && job->wrapper) {
			block = argv;
			argv = pyn__wrapper_argv(job->wrapper, block);
		}
		if (!argv) {
			snprintf(job->host_error, sizeof(job->host_error),
				 "out of memory");
			goto out;
		}
		if (job->instr) {
			san_env = pyn__worker_instrumented(
				e, job->instr, argv, job->host_error,
				sizeof(job->host_error));
			if (!san_env)
				goto out;
		}
	}
	parent = getpid();
	/*
	 * The child would inherit, and write into the test's output,
	 * whatever the caller has buffered.
	 */
	fflush(stdout);
	fflush(stderr);
	job->pid = -1;
	if (argv && !envp && !e->spawn_fork)
		job->pid = spawn_worker(job, argv, san_env ? san_env : environ,
					job->out_w, job->err_w);
	if (job->pid < 0)
		job->pid = fork();
	if (job->pid < 0) {
		job->pid = 0;
		snprintf(job->host_error, sizeof(job->host_error),
			 "cannot fork: %s", strerror(errno));
		goto out;
	}
	if (job->pid == 0) {
		if (argv)
			spawn_child(job, argv, envp, san_env, parent,
				    job->out_w, job->err_w);
		fork_child(job, parent, job->out_w, job->err_w);
	}
	rc = pyn__job_watch(e, job);
out:
	pyn__job_close_writers(job);
	if (envp)
		pyn__cunit_command_free(argv, envp);
	else
		free(argv);
	free(san_env);
	free(block);
	return rc;
}

int pyn__cunit_list_command(const char *program, const char *const *args,
			    size_t n_args, const char *const *env, size_t n_env,
			    char ***argv, char ***envp, struct pyn_error *err)
{
	char worker[PATH_MAX], shim[4096];
	struct pyn_error rerr;

	*argv = *envp = NULL;
	if (pyn__registry_init(&rerr) != 0)
		return pyn_error_set(err, rerr.code, NULL, 0, 0, "%s",
				     rerr.message);
	worker_path(worker, sizeof(worker), NULL);
	if (pyn__cunit_shim_path(worker, shim, sizeof(shim)) != 0)
		return pyn_error_set(err, PYN_ENOTFOUND, NULL, 0, 0, "%s",
				     shim);
	if (pyn__cunit_command(shim, "list", program, args, n_args, env, n_env,
			       argv, envp) != 0)
		return pyn_error_set(err, PYN_ENOMEM, NULL, 0, 0,
				     "out of memory");
	return 0;
}
