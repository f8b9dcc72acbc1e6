/* SPDX-License-Identifier: MIT */
/*
 * tests/robust/fx.c - fixtures of the robustness tests (issue 4).
 *
 * Pids and counts go to the files named by $PYN_RB_PIDFILE and
 * $PYN_RB_COUNTFILE, so the e2e scripts can check the process table.
 */
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

void rb_pass(void);
void rb_detach_3(void);
void rb_fork_bomb_count(void);
void rb_stdout_1gb(void);
void rb_sleep_tree(void);
void rb_sleep_short(void);
void rb_print_1mb(void);
void rb_print_1mb_fail(void);
void rb_long_line_fail(void);
void rb_utf8_fail(void);

/* Data, not code: naming it as a test function is a manifest error. */
int rb_data_symbol = 42;

void rb_pass(void)
{
	CU_ASSERT(1);
}

static void append_pid(const char *path)
{
	FILE *f;

	if (!path)
		return;
	f = fopen(path, "a");
	if (f) {
		fprintf(f, "%d\n", (int)getpid());
		fclose(f);
	}
}

static int count_lines(const char *path)
{
	FILE *f = fopen(path, "r");
	int n = 0, c;

	if (!f)
		return 0;
	while ((c = fgetc(f)) != EOF)
		n += c == '\n';
	fclose(f);
	return n;
}

/*
 * Three processes that leave the test's process group and session
 * (setsid + double fork) and would live 30 s: the deliberately detached
 * children of `terminate_child_processes: false`.
 */
void rb_detach_3(void)
{
	const char *pidfile = getenv("PYN_RB_PIDFILE");

	for (int i = 0; i < 3; i++) {
		pid_t child = fork();

		CU_ASSERT_FATAL(child >= 0);
		if (child == 0) {
			setsid();
			if (fork() == 0) {
				append_pid(pidfile);
				for (int s = 0; s < 30; s++)
					sleep(1);
				_exit(0);
			}
			_exit(0);
		}
	}
	for (int i = 0; i < 200 && pidfile && count_lines(pidfile) < 3; i++)
		usleep(10000);
}

/*
 * A fork bomb that counts: every process forks as fast as it can until
 * fork fails or BOMB_MAX processes were made; after 500 ms the test
 * writes how many forks succeeded and returns (the bomb's processes
 * stay, for the process tree limiter).  The fuse keeps a runner without
 * a process limit from taking the machine down.
 */
#define BOMB_MAX 200

void rb_fork_bomb_count(void)
{
	const char *countfile = getenv("PYN_RB_COUNTFILE");
	atomic_int *made = mmap(NULL, sizeof(*made), PROT_READ | PROT_WRITE,
				MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	pid_t self = getpid();
	struct timespec t = { 0, 500 * 1000 * 1000 };
	FILE *f;

	CU_ASSERT_FATAL(made != MAP_FAILED);
	atomic_store(made, 0);
	for (;;) {
		pid_t p;

		if (atomic_load(made) >= BOMB_MAX)
			break;
		p = fork();
		if (p < 0)
			break;
		if (p > 0) {
			atomic_fetch_add(made, 1);
			continue;
		}
		/* A child bombs on. */
	}
	if (getpid() != self)
		for (;;)
			pause();
	nanosleep(&t, NULL);
	if (countfile) {
		f = fopen(countfile, "w");
		if (f) {
			fprintf(f, "%d\n", atomic_load(made));
			fclose(f);
		}
	}
}

/* 1 GiB on stdout, as fast as the runner reads it. */
void rb_stdout_1gb(void)
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

/*
 * A test with a tree: two children in its process group and one that
 * left it (setsid), each appending its pid, then everything sleeps.
 */
void rb_sleep_tree(void)
{
	const char *pidfile = getenv("PYN_RB_PIDFILE");

	for (int i = 0; i < 3; i++) {
		if (fork() == 0) {
			if (i == 2)
				setsid();
			append_pid(pidfile);
			for (;;)
				pause();
		}
	}
	append_pid(pidfile);
	for (;;)
		pause();
}

/* A passing test that takes 300 ms: the run is still going a bit later. */
void rb_sleep_short(void)
{
	struct timespec ts = { 0, 300000000 };

	nanosleep(&ts, NULL);
	CU_ASSERT(1);
}

/* 1 MiB on stdout: 16,384 lines of 63 'x' and a newline. */
static void print_1mb(void)
{
	static char block[1 << 16];

	for (size_t i = 0; i < sizeof(block); i++)
		block[i] = (i % 64) == 63 ? '\n' : 'x';
	for (int i = 0; i < 16; i++)
		fwrite(block, 1, sizeof(block), stdout);
	fflush(stdout);
}

void rb_print_1mb(void)
{
	print_1mb();
	CU_ASSERT(1);
}

void rb_print_1mb_fail(void)
{
	print_1mb();
	CU_ASSERT(0);
}

/* 200,000 columns and no newline, then a failure. */
void rb_long_line_fail(void)
{
	for (int i = 0; i < 200000; i++)
		putchar('z');
	fflush(stdout);
	CU_ASSERT(0);
}

/* "é" (2 bytes) 1,000 times after one ASCII byte: any cut at an even
 * offset falls inside a character. */
void rb_utf8_fail(void)
{
	putchar('a');
	for (int i = 0; i < 1000; i++)
		fputs("\xc3\xa9", stdout);
	fflush(stdout);
	CU_ASSERT(0);
}
