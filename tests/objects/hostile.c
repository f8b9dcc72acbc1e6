/* SPDX-License-Identifier: MIT */
/*
 * tests/objects/hostile.c - tests that try to take the runner down, corrupt
 * its report or leave debris behind (issue 4 §4).  Each run must complete
 * with a valid report and no process left over.
 */
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

void fx_fork_bomb(void);
void fx_close_stdio(void);
void fx_dup2_stdio(void);
void fx_change_cwd_umask_env(void);
void fx_env_is_clean(void);
void fx_raise_rlimits_spin(void);
void fx_ignore_sigterm(void);
void fx_block_signals(void);
void fx_sigstop_self(void);
void fx_threads_forever(void);
void fx_exit_from_thread(void);
void fx_stdout_1gb(void);
void fx_kill_group(void);
void fx_read_pipe(void);
void fx_escape_grandchild(void);

/*
 * A fork bomb with a fuse: at most BOMB_MAX processes in all, so that a
 * runner without a process limit cannot take the machine down with it.
 */
#define BOMB_MAX 200

void fx_fork_bomb(void)
{
	atomic_int *count = mmap(NULL, sizeof(*count), PROT_READ | PROT_WRITE,
				 MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (count == MAP_FAILED)
		abort();
	atomic_store(count, 1);
	while (atomic_fetch_add(count, 1) < BOMB_MAX)
		fork();
	for (;;)
		pause();
}

void fx_close_stdio(void)
{
	close(0);
	close(1);
	close(2);
}

void fx_dup2_stdio(void)
{
	int fd = open("/dev/null", O_RDWR);

	CU_ASSERT_FATAL(fd >= 0);
	dup2(fd, 0);
	dup2(fd, 1);
	dup2(fd, 2);
	printf("into the void\n");
}

#define MARK "PYN_FX_HOSTILE_MARK"

/* Changes to the process state must not reach the next test. */
void fx_change_cwd_umask_env(void)
{
	CU_ASSERT_EQUAL(chdir("/"), 0);
	umask(0777);
	CU_ASSERT_EQUAL(setenv(MARK, "leaked", 1), 0);
}

void fx_env_is_clean(void)
{
	CU_ASSERT_PTR_NULL(getenv(MARK));
}

/* As root the test can raise its hard limits; the CPU limit still holds. */
void fx_raise_rlimits_spin(void)
{
	struct rlimit inf = { RLIM_INFINITY, RLIM_INFINITY };
	volatile unsigned long n = 0;

	setrlimit(RLIMIT_CPU, &inf);
	setrlimit(RLIMIT_AS, &inf);
	setrlimit(RLIMIT_NOFILE, &inf);
	for (;;)
		n++;
}

void fx_ignore_sigterm(void)
{
	signal(SIGTERM, SIG_IGN);
	signal(SIGINT, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	for (;;)
		pause();
}

void fx_block_signals(void)
{
	sigset_t all;

	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, NULL);
	for (;;)
		sleep(1);
}

/* Stopped, it can never exit by itself: the wall limit must still fire. */
void fx_sigstop_self(void)
{
	raise(SIGSTOP);
	for (;;)
		pause();
}

static void *sleep_forever(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return NULL;
}

/* Threads that never end must not keep a finished test alive. */
void fx_threads_forever(void)
{
	for (int i = 0; i < 4; i++) {
		pthread_t t;

		CU_ASSERT_FATAL(pthread_create(&t, NULL, sleep_forever, NULL) ==
				0);
		pthread_detach(t);
	}
}

static void *exit_seven(void *arg)
{
	(void)arg;
	exit(7);
	return NULL;
}

void fx_exit_from_thread(void)
{
	pthread_t t;

	CU_ASSERT_FATAL(pthread_create(&t, NULL, exit_seven, NULL) == 0);
	for (;;)
		pause();
}

/* 1 GiB on stdout: the runner must keep only output_limit of it. */
void fx_stdout_1gb(void)
{
	static char block[1 << 20];

	memset(block, 'y', sizeof(block));
	for (int i = 0; i < 1024; i++) {
		size_t off = 0;

		while (off < sizeof(block)) {
			ssize_t n = write(1, block + off, sizeof(block) - off);

			if (n <= 0)
				abort();
			off += (size_t)n;
		}
	}
}

/* Kill the whole process group: that must reach only the test. */
void fx_kill_group(void)
{
	kill(0, SIGKILL);
	for (;;)
		pause();
}

/* Blocked in read() on a pipe whose write end stays open. */
void fx_read_pipe(void)
{
	int fds[2];
	char c;

	CU_ASSERT_FATAL(pipe(fds) == 0);
	for (;;)
		if (read(fds[0], &c, 1) < 0)
			break;
}

/*
 * A grandchild that leaves the process group and the session (setsid +
 * double fork) and would outlive the test by a minute.  Its pid goes to
 * $PYN_FX_PIDFILE when set, so a test can check it is gone.
 */
void fx_escape_grandchild(void)
{
	const char *pidfile = getenv("PYN_FX_PIDFILE");
	pid_t child = fork();

	CU_ASSERT_FATAL(child >= 0);
	if (child == 0) {
		setsid();
		if (fork() == 0) {
			if (pidfile) {
				FILE *f = fopen(pidfile, "w");

				if (f) {
					fprintf(f, "%d\n", (int)getpid());
					fclose(f);
				}
			}
			for (int i = 0; i < 60; i++)
				sleep(1);
			_exit(0);
		}
		_exit(0);
	}
	/* Give the grandchild time to write its pid. */
	for (int i = 0; i < 100 && pidfile && access(pidfile, F_OK) != 0; i++)
		usleep(10000);
}

/*
 * Stops the process that loaded the library (SIGSTOP): in forkserver mode
 * its fork server, which then never answers for the tests after this one
 * (tests/e2e/stopped_server.py).  Elsewhere the loader is the test itself.
 */
void fx_stop_loader(void);
static pid_t loader_pid;

__attribute__((constructor)) static void remember_loader(void)
{
	loader_pid = getpid();
}

void fx_stop_loader(void)
{
	if (loader_pid != getpid())
		kill(loader_pid, SIGSTOP);
}

void fx_quick(void);
void fx_quick(void)
{
}

static void nap_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) != 0)
		;
}

/* Stops its fork server 200 ms in, while other tests run, then ends. */
void fx_stop_loader_later(void);
void fx_stop_loader_later(void)
{
	nap_ms(200);
	fx_stop_loader();
	nap_ms(600);
}

/* Stops its fork server 100 ms in, then fails (for -x) at 600 ms. */
void fx_stop_loader_then_abort(void);
void fx_stop_loader_then_abort(void)
{
	nap_ms(100);
	fx_stop_loader();
	nap_ms(500);
	abort();
}

void fx_nap300(void);
void fx_nap300(void)
{
	nap_ms(300);
}

void fx_nap400(void);
void fx_nap400(void)
{
	nap_ms(400);
}

void fx_nap1000(void);
void fx_nap1000(void)
{
	nap_ms(1000);
}
