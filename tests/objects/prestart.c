/* SPDX-License-Identifier: MIT */
/*
 * tests/objects/prestart.c - tests that say when they ran, for
 * tests/e2e/prestart.py: each appends one line to the file named by
 * $PS_LOG (O_APPEND: whole lines from several processes):
 *
 *   ctor PID BOOT_S               the library was loaded in PID
 *   run NAME PID PROC_START_S BEGIN_S END_S
 *   after PID STATE               (ps_after, below)
 *   runner PID STATE              (ps_runner_state, below)
 *
 * BOOT_S, BEGIN_S and END_S are CLOCK_BOOTTIME seconds; PROC_START_S is
 * when the test's process was made (/proc/self/stat, field 22), on the
 * same clock: a process made ahead of its test's start shows it.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define FX __attribute__((visibility("default")))

static double boot_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void say(const char *line)
{
	const char *path = getenv("PS_LOG");
	int fd;

	if (!path)
		return;
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	if (write(fd, line, strlen(line)) < 0)
		perror("write");
	close(fd);
}

static double proc_start_s(void)
{
	char buf[1024], *p;
	unsigned long long ticks = 0;
	int fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC), field;
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	/* Fields after the command (which may hold spaces) from 3 on. */
	p = strrchr(buf, ')');
	if (!p)
		return -1;
	for (field = 2; p && field < 22; field++)
		p = strchr(p + 1, ' ');
	if (!p || sscanf(p + 1, "%llu", &ticks) != 1)
		return -1;
	return (double)ticks / (double)sysconf(_SC_CLK_TCK);
}

__attribute__((constructor)) static void loaded(void)
{
	char line[128];

	snprintf(line, sizeof(line), "ctor %d %.6f\n", (int)getpid(), boot_s());
	say(line);
}

static void ran(const char *name, double begin)
{
	char line[256];

	snprintf(line, sizeof(line), "run %s %d %.6f %.6f %.6f\n", name,
		 (int)getpid(), proc_start_s(), begin, boot_s());
	say(line);
}

/* Each runs 200 ms. */
#define NAP(n)                                                                 \
	FX void ps_nap##n(void);                                               \
	void ps_nap##n(void)                                                   \
	{                                                                      \
		double begin = boot_s();                                       \
                                                                               \
		usleep(200 * 1000);                                            \
		ran("nap" #n, begin);                                          \
	}
NAP(1)
NAP(2)
NAP(3)
NAP(4)
NAP(5)

FX void ps_fail(void);
void ps_fail(void)
{
	ran("fail", boot_s());
	exit(3);
}

/*
 * The state letter of process `pid` (/proc/PID/stat): Z for dead, not yet
 * reaped; '?' when unreadable; 0 when there is no such process.
 */
static char proc_state(pid_t pid)
{
	char path[64], buf[1024], state = '?';
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = pid > 0 ? fopen(path, "r") : NULL;
	if (!f)
		return 0;
	if (fgets(buf, sizeof(buf), f)) {
		char *p = strrchr(buf, ')');

		if (p && p[1] == ' ')
			state = p[2];
	}
	fclose(f);
	return state;
}

/*
 * ps_leave leaves a process behind (sleeping 30 s), runs 200 ms and writes its pid to
 * $PS_LOG.pid; ps_after, run next, logs "after PID STATE": the state of
 * that process in /proc/PID/stat (Z: dead, not yet reaped), or "gone".
 */
FX void ps_leave(void);
void ps_leave(void)
{
	char path[4096], line[32];
	const char *log = getenv("PS_LOG");
	pid_t pid;
	int fd;

	ran("leave", boot_s());
	pid = fork();
	if (pid == 0) {
		sleep(30);
		_exit(0);
	}
	/* Time for the next test to be made ahead. */
	usleep(200 * 1000);
	if (!log || pid < 0)
		return;
	snprintf(path, sizeof(path), "%s.pid", log);
	snprintf(line, sizeof(line), "%d\n", (int)pid);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd >= 0) {
		if (write(fd, line, strlen(line)) < 0)
			perror("write");
		close(fd);
	}
}

FX void ps_after(void);
void ps_after(void)
{
	char path[4096], line[64], state;
	const char *log = getenv("PS_LOG");
	FILE *f;
	int pid = 0;

	ran("after", boot_s());
	if (!log)
		return;
	snprintf(path, sizeof(path), "%s.pid", log);
	f = fopen(path, "r");
	if (!f || fscanf(f, "%d", &pid) != 1)
		pid = 0;
	if (f)
		fclose(f);
	state = proc_state(pid);
	if (state)
		snprintf(line, sizeof(line), "after %d %c\n", pid, state);
	else
		snprintf(line, sizeof(line), "after %d gone\n", pid);
	say(line);
}

/*
 * ps_stop_runner runs 200 ms (time for the next test to be made ahead),
 * then stops its parent, the runner (SIGSTOP), and ends; ps_runner_state,
 * run next, logs "runner PID STATE": T when it ran while the runner was
 * still stopped - it started by itself.  The e2e test resumes the runner.
 */
FX void ps_stop_runner(void);
void ps_stop_runner(void)
{
	ran("stop_runner", boot_s());
	usleep(200 * 1000);
	kill(getppid(), SIGSTOP);
}

FX void ps_runner_state(void);
void ps_runner_state(void)
{
	char line[64];
	pid_t runner = getppid();

	ran("runner_state", boot_s());
	snprintf(line, sizeof(line), "runner %d %c\n", (int)runner,
		 proc_state(runner));
	say(line);
}

/* Runs at once. */
FX void ps_quick(void);
void ps_quick(void)
{
	ran("quick", boot_s());
}
