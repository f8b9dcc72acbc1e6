/* SPDX-License-Identifier: MIT */
/*
 * tests/limiters/plugin_tests.c - test functions that each run into one
 * example plug-in's limit (tests/limiters/plugins.yaml), and pass without
 * it.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

void lx_open_32_files(void);
void lx_fork_8(void);
void lx_write_2mb(void);
void lx_use_loopback(void);
void lx_pass(void);
void lx_escape(void);

void lx_open_32_files(void)
{
	int fds[32], i, n = 0;

	for (i = 0; i < 32; i++) {
		fds[i] = open("/dev/null", O_RDONLY);
		if (fds[i] >= 0)
			n++;
	}
	for (i = 0; i < 32; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	CU_ASSERT_EQUAL(n, 32);
}

void lx_fork_8(void)
{
	pid_t kids[8];
	int i, n = 0;

	for (i = 0; i < 8; i++) {
		kids[i] = fork();
		if (kids[i] == 0) {
			pause();
			_exit(0);
		}
		if (kids[i] > 0)
			n++;
	}
	for (i = 0; i < 8; i++) {
		if (kids[i] > 0) {
			kill(kids[i], SIGKILL);
			waitpid(kids[i], NULL, 0);
		}
	}
	CU_ASSERT_EQUAL(n, 8);
}

void lx_write_2mb(void)
{
	char path[] = "/tmp/pyn-lx-XXXXXX", buf[65536];
	int fd = mkstemp(path), i;

	CU_ASSERT_FATAL(fd >= 0);
	unlink(path);
	memset(buf, 'x', sizeof(buf));
	for (i = 0; i < 32; i++)
		CU_ASSERT_EQUAL(write(fd, buf, sizeof(buf)),
				(ssize_t)sizeof(buf));
	close(fd);
}

/* UDP connect() needs a route: none in an empty network namespace. */
void lx_use_loopback(void)
{
	struct sockaddr_in sa;
	int s = socket(AF_INET, SOCK_DGRAM, 0);

	CU_ASSERT_FATAL(s >= 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons(9);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	CU_ASSERT_EQUAL(connect(s, (struct sockaddr *)&sa, sizeof(sa)), 0);
	close(s);
}

void lx_pass(void)
{
	CU_ASSERT(1);
}

/*
 * A grandchild calls setsid() and double-forks a sleeper, which writes its
 * pid to $PYN_LX_PIDFILE; the test then passes.  process_tree must leave
 * nothing behind.
 */
void lx_escape(void)
{
	const char *file = getenv("PYN_LX_PIDFILE");
	pid_t b;
	int i;

	CU_ASSERT_FATAL(file != NULL);
	b = fork();
	if (b == 0) {
		setsid();
		if (fork() == 0) {
			FILE *f = fopen(file, "w");

			if (f) {
				fprintf(f, "%ld\n", (long)getpid());
				fclose(f);
			}
			for (;;)
				pause();
		}
		_exit(0);
	}
	waitpid(b, NULL, 0);
	for (i = 0; i < 2000 && access(file, F_OK) != 0; i++)
		usleep(1000);
	usleep(20000);
	CU_ASSERT(access(file, F_OK) == 0);
}
