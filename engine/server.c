/* SPDX-License-Identifier: MIT */
/*
 * engine/server.c - fork servers, the runner's side: their processes
 * and the protocol.
 *
 * One `pyntest-worker --server` per library, started for the first test
 * of that library under that test's limits in loading mode
 * (request.loading = 1).  It loads the library once and then, per test,
 * receives the job page, the result memfd and the output pipes over a
 * SOCK_SEQPACKET socket (SCM_RIGHTS) and clones the test's child with
 * CLONE_PARENT: the runner is the parent of every test process, so the
 * engine watches and reaps it exactly as in fork mode.
 *
 * A server that cannot load its library (crash, hang, memory, load
 * error) is not retried: its tests run in spawn mode, where each one
 * loads the library itself under its own limits and so gets the same
 * outcome, "... while loading library 'x'".  Loading never blocks the
 * engine: the socket and a loading-deadline timerfd are in its epoll,
 * with a handler the engine gave (pyn__servers_new): the tests asked of
 * a server are server_jobs.c's.
 *
 * May call: loop.c (its sources), spawn.c (the worker and its argv),
 * cunit_exec.c, the registry (host/).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <host/registry.h>

#include "cunit_exec.h"
#include "instrument.h"

extern char **environ;
#include "internal.h"
#include "server.h"
#include "server_internal.h"

static void loading_teardown(struct loading_lim *ll, size_t n, pid_t pid,
			     int kill_it);

struct pyn__servers *pyn__servers_new(void (*on_event)(struct pyn_engine *e,
						       struct pyn__server *s))
{
	struct pyn__servers *servers = calloc(1, sizeof(*servers));

	if (servers)
		servers->on_event = on_event;
	return servers;
}

/* One of the server's fds is readable: the engine's handler decides. */
static void on_server_fd(struct pyn_engine *e, struct pyn__ev *ev)
{
	struct pyn__server *s =
		(struct pyn__server *)((char *)ev -
				       offsetof(struct pyn__server, tag));

	s->on_event(e, s);
}

/* `pid` has a tracer (/proc/PID/status, TracerPid). */
static int traced(pid_t pid)
{
	char path[64], buf[4096], *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	p = strstr(buf, "\nTracerPid:");
	return p && strtol(p + 11, NULL, 10) > 0;
}

static void server_stop(struct pyn__server *s, struct pyn_engine *e)
{
	s->state = PYN__SERVER_FAILED;
	if (s->timerfd >= 0) {
		pyn__io_stop(e, s->timerfd);
		close(s->timerfd);
		s->timerfd = -1;
	}
	if (s->sock >= 0) {
		pyn__io_stop(e, s->sock);
		close(s->sock);
		s->sock = -1;
	}
	if (s->pid > 0) {
		kill(s->pid, SIGKILL);
		/*
		 * Its end goes to a tracer first (a test that ptrace-attached
		 * it): never wait for that in the event loop.
		 */
		if (traced(s->pid))
			s->unreaped = s->pid;
		else
			waitpid(s->pid, NULL, __WALL);
	}
	loading_teardown(s->ll, s->n_ll, s->pid, s->pid > 0);
	s->n_ll = 0;
	s->pid = 0;
}

void pyn__server_stop(struct pyn__server *s, struct pyn_engine *e)
{
	if (s && s->state != PYN__SERVER_FAILED)
		server_stop(s, e);
}

void pyn__servers_free(struct pyn__servers *servers, struct pyn_engine *e)
{
	struct pyn__server *s, *next;

	if (!servers)
		return;
	for (s = servers->list; s; s = next) {
		next = s->next;
		server_stop(s, e);
		if (s->unreaped > 0)
			waitpid(s->unreaped, NULL, __WALL);
		pyn__page_unmap(s->own);
		free(s->library);
		free(s);
	}
	free(servers);
}

/*
 * setup() of every limiter in loading mode into `page`; returns the
 * earliest deadline (0: none).  Failures just leave the limiter out: a
 * limit the server cannot take is still applied to each test.
 */
static double loading_setup(struct pyn__page *page,
			    const struct pyn_limits *limits,
			    struct loading_lim *ll, size_t *n_ll)
{
	struct pyn_limiter_request req;
	const struct pyn__limiter_slot *slot;
	struct pyn__page_limiter *pl;
	char msg[PYN_LIMITER_MESSAGE_MAX];
	size_t i, n = pyn__registry_count();
	double deadline = 0;
	static unsigned token = 0x40000000u;

	*n_ll = 0;
	for (i = 0; i < n && *n_ll < PYN__LIMITERS_MAX; i++) {
		slot = pyn__registry_get(i);
		if (!slot || !slot->supported || !slot->limiter ||
		    !slot->limiter->setup)
			continue;
		pl = &page->limiters[page->n_limiters];
		memset(&req, 0, sizeof(req));
		req.struct_size = sizeof(req);
		req.test_id = "(fork server)";
		req.wall_time_s =
			limits->wall_time_s > 0 ? limits->wall_time_s : 0;
		req.cpu_time_s =
			limits->cpu_time_s > 0 ? limits->cpu_time_s : 0;
		req.memory_bytes = limits->memory_bytes;
		req.terminate_child_processes =
			limits->terminate_child_processes;
		req.child_data = pl->data;
		req.child_data_size = sizeof(pl->data);
		req.loading = 1;
		req.token = ++token;
		ll[*n_ll].slot = slot;
		ll[*n_ll].state = NULL;
		ll[*n_ll].active = slot->limiter->setup(&req, &ll[*n_ll].state,
							msg, sizeof(msg)) == 0;
		if (ll[*n_ll].active) {
			pl->index = (int32_t)i;
			pl->size = (uint32_t)(req.child_data_size >
							      sizeof(pl->data) ?
						      sizeof(pl->data) :
						      req.child_data_size);
			page->n_limiters++;
			if (req.deadline_s > 0 &&
			    (!deadline || req.deadline_s < deadline))
				deadline = req.deadline_s;
		}
		(*n_ll)++;
	}
	if (limits->wall_time_s > 0 &&
	    (!deadline || limits->wall_time_s < deadline))
		deadline = limits->wall_time_s;
	return deadline;
}

static void loading_teardown(struct loading_lim *ll, size_t n, pid_t pid,
			     int kill_it)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (kill_it && ll[i].active && ll[i].slot->limiter->kill)
			ll[i].slot->limiter->kill(ll[i].state, pid);
		if (ll[i].slot->limiter->teardown)
			ll[i].slot->limiter->teardown(
				ll[i].active ? ll[i].state : NULL);
	}
}

static __attribute__((noreturn)) void server_child(char **argv, char **envp,
						   char **san_env,
						   const char *cwd, int page_fd,
						   int sock)
{
	int pfd, sfd, devnull;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	setpgid(0, 0);
	pfd = fcntl(page_fd, F_DUPFD, 10);
	sfd = fcntl(sock, F_DUPFD, 10);
	if (pfd < 0 || sfd < 0 || dup2(pfd, 3) < 0 || dup2(sfd, 4) < 0)
		_exit(127);
	devnull = open("/dev/null", O_RDONLY);
	if (devnull >= 0) {
		dup2(devnull, 0);
		close(devnull);
	}
	if (envp) {
		/*
		 * A program's main() may print: not into the runner's
		 * output.  Each test's own output is captured as usual.
		 */
		devnull = open("/dev/null", O_WRONLY);
		if (devnull >= 0) {
			dup2(devnull, 1);
			dup2(devnull, 2);
			close(devnull);
		}
	}
	syscall(SYS_close_range, 5, ~0U, 0);
	if (envp)
		pyn__cunit_exec(NULL, cwd, argv, envp);
	execve(argv[0], argv, san_env ? san_env : environ);
	_exit(127);
}

static int arm_deadline(struct pyn__server *s, struct pyn_engine *e,
			double secs)
{
	struct itimerspec its;

	if (secs <= 0)
		return 0;
	s->timerfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
	if (s->timerfd < 0)
		return -1;
	memset(&its, 0, sizeof(its));
	its.it_value.tv_sec = (time_t)secs;
	its.it_value.tv_nsec = (long)((secs - (double)(time_t)secs) * 1e9);
	if (!its.it_value.tv_sec && !its.it_value.tv_nsec)
		its.it_value.tv_nsec = 1;
	timerfd_settime(s->timerfd, 0, &its, NULL);
	return pyn__io_start(e, s->timerfd, &s->tag);
}

static struct pyn__server *server_new(struct pyn__servers *servers,
				      struct pyn_engine *e, const char *key,
				      const struct pyn__page *job,
				      const struct pyn_limits *limits)
{
	const char *library = pyn__page_str(job, job->task.library);
	const char *program = pyn__page_str(job, job->task.program);
	struct pyn__page *page = NULL;
	struct pyn_task task;
	struct pyn__server *s;
	int sv[2] = { -1, -1 }, page_fd = -1;
	char **argv = NULL, **envp = NULL, **san_env = NULL, shim[4096];
	const struct pyn__instrument *instr;
	char why[256];
	double deadline;

	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->sock = -1;
	s->timerfd = -1;
	s->tag.fn = on_server_fd;
	s->tag.phase = PYN__PHASE_SERVER;
	s->on_event = servers->on_event;
	s->library = strdup(key);
	s->next = servers->list;
	servers->list = s;
	s->state = PYN__SERVER_FAILED;
	if (!s->library)
		return s;
	memset(&task, 0, sizeof(task));
	task.kind = PYN_TASK_SYMBOL;
	task.name = "(fork server)";
	task.library = library;
	if (pyn__page_new(&page, &page_fd, NULL) != 0)
		return s;
	if (pyn__page_set_task(page, &task, NULL) != 0)
		goto out;
	if (program) {
		/* The program is its own server, through the shim. */
		memcpy(&page->task, &job->task,
		       offsetof(struct pyn__page_task, strings) +
			       job->task.used);
		page->task.kind = PYN_TASK_SYMBOL;
		page->task.name = 0;
	}
	page->loading = 1;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0)
		goto out;
	if (program) {
		if (pyn__cunit_shim_path(pyn__engine_worker(e), shim,
					 sizeof(shim)) != 0 ||
		    pyn__cunit_page_command(shim, "server", job, &argv,
					    &envp) != 0)
			goto out;
	} else {
		argv = pyn__worker_argv(e, "--server", NULL, 0);
		if (!argv)
			goto out;
		instr = pyn__instrument_of(&e->instr, library);
		if (instr && instr->sanitizers) {
			san_env = pyn__worker_instrumented(e, instr, argv, why,
							   sizeof(why));
			if (!san_env)
				goto out;
		}
	}
	deadline = loading_setup(page, limits, s->ll, &s->n_ll);
	s->pid = fork();
	if (s->pid < 0) {
		s->pid = 0;
		server_stop(s, e);
		goto out;
	}
	if (s->pid == 0)
		server_child(argv, envp, san_env,
			     pyn__page_str(job, job->task.cwd), page_fd, sv[1]);
	close(sv[1]);
	sv[1] = -1;
	s->sock = sv[0];
	sv[0] = -1;
	s->state = PYN__SERVER_LOADING;
	if (pyn__io_start(e, s->sock, &s->tag) != 0 ||
	    arm_deadline(s, e, deadline) != 0)
		server_stop(s, e);
out:
	if (envp)
		pyn__cunit_command_free(argv, envp);
	else
		free(argv);
	free(san_env);
	if (sv[0] >= 0)
		close(sv[0]);
	if (sv[1] >= 0)
		close(sv[1]);
	if (s->state == PYN__SERVER_LOADING)
		s->own = page;
	else
		pyn__page_unmap(page);
	close(page_fd);
	return s;
}

/*
 * A program's server is its whole command: program, arguments, cwd and
 * environment, one string with \x1f between the parts.
 */
static char *program_key(const struct pyn__page *job)
{
	const struct pyn__page_task *t = &job->task;
	const char *s;
	char *key = NULL;
	size_t len = 0;
	uint32_t i;
	FILE *f = open_memstream(&key, &len);

	if (!f)
		return NULL;
	fprintf(f, "%s", pyn__page_str(job, t->program));
	s = t->strings + t->args;
	for (i = 0; i < t->n_args; i++, s = pyn__page_next(s))
		fprintf(f, "\x1f%s", s);
	fprintf(f, "\x1f\x1f%s",
		pyn__page_str(job, t->cwd) ? pyn__page_str(job, t->cwd) : "");
	s = t->strings + t->env;
	for (i = 0; i < t->n_env; i++, s = pyn__page_next(s))
		fprintf(f, "\x1f%s", s);
	if (fclose(f) != 0) {
		free(key);
		return NULL;
	}
	return key;
}

struct pyn__server *pyn__servers_get(struct pyn__servers *servers,
				     struct pyn_engine *e,
				     const struct pyn__page *job,
				     const struct pyn_limits *limits)
{
	const char *library = pyn__page_str(job, job->task.library);
	struct pyn_limits startup;
	struct pyn__server *s = NULL;
	char *key = NULL;

	if (!servers)
		return NULL;
	if (pyn__page_str(job, job->task.program)) {
		key = program_key(job);
		library = key;
		/* Its main() runs under its own start-up limits, if set. */
		if (limits->startup_wall_time_s > 0 ||
		    limits->startup_cpu_time_s > 0 ||
		    limits->startup_memory_bytes) {
			startup = *limits;
			startup.wall_time_s = limits->startup_wall_time_s;
			startup.cpu_time_s = limits->startup_cpu_time_s;
			startup.memory_bytes = limits->startup_memory_bytes;
			limits = &startup;
		}
	}
	if (!library)
		goto out;
	for (s = servers->list; s; s = s->next)
		if (strcmp(s->library, library) == 0)
			goto out;
	s = server_new(servers, e, library, job, limits);
out:
	free(key);
	return s;
}

int pyn__servers_own(const struct pyn__servers *servers, pid_t pid)
{
	const struct pyn__server *s;

	for (s = servers ? servers->list : NULL; s; s = s->next)
		if (s->pid == pid || s->unreaped == pid)
			return 1;
	return 0;
}

pid_t pyn__server_pid(const struct pyn__server *s)
{
	return s ? s->pid : 0;
}

int pyn__servers_ready(const struct pyn__servers *servers, const char *library)
{
	const struct pyn__server *s;

	for (s = servers ? servers->list : NULL; s && library; s = s->next)
		if (strcmp(s->library, library) == 0)
			return s->state != PYN__SERVER_LOADING;
	return 0;
}
