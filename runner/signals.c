/* SPDX-License-Identifier: MIT */
/*
 * runner/signals.c - the runner's signal handlers: every signal a user
 * sends every day has a meaning, and none loses the report.
 *
 * The handler only does async-signal-safe things: it interrupts the
 * engine (pyn_engine_interrupt kills every running tree at once, which is
 * what Ctrl-C wants) and writes one byte to a self-pipe the scheduler
 * watches, which then writes the report with what finished.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "runner/signals.h"

static struct pyn_engine *volatile signal_engine;
static int signal_pipe[2] = { -1, -1 };

static const int interrupting[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGALRM };

static void on_interrupt(int sig)
{
	int saved = errno;
	struct pyn_engine *engine = signal_engine;
	char byte = PYN__SIGNAL_INTERRUPT;
	ssize_t ignored;

	(void)sig;
	if (engine)
		pyn_engine_interrupt(engine);
	if (signal_pipe[1] >= 0)
		ignored = write(signal_pipe[1], &byte, 1);
	(void)ignored;
	errno = saved;
}

static void on_status(int sig)
{
	int saved = errno;
	char byte = PYN__SIGNAL_STATUS;
	ssize_t ignored;

	(void)sig;
	if (signal_pipe[1] >= 0)
		ignored = write(signal_pipe[1], &byte, 1);
	(void)ignored;
	errno = saved;
}

/* SIGPIPE and SIGUSR2: caught so they do not kill, and nothing more. */
static void on_nothing(int sig)
{
	(void)sig;
}

static int catch (int sig, void (*handler)(int))
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = handler;
	sigemptyset(&sa.sa_mask);
	/* No handler runs inside another: each only writes a byte. */
	for (size_t i = 0; i < sizeof(interrupting) / sizeof(*interrupting);
	     i++)
		sigaddset(&sa.sa_mask, interrupting[i]);
	sigaddset(&sa.sa_mask, SIGUSR1);
	sa.sa_flags = SA_RESTART;
	return sigaction(sig, &sa, NULL);
}

int pyn__signals_install(void)
{
	if (signal_pipe[0] < 0 && pipe2(signal_pipe, O_CLOEXEC | O_NONBLOCK))
		return -1;
	for (size_t i = 0; i < sizeof(interrupting) / sizeof(*interrupting);
	     i++)
		if (catch (interrupting[i], on_interrupt))
			return -1;
	if (catch (SIGUSR1, on_status) || catch (SIGUSR2, on_nothing) ||
	    catch (SIGPIPE, on_nothing))
		return -1;
	return signal_pipe[0];
}

void pyn__signals_engine(struct pyn_engine *engine)
{
	signal_engine = engine;
}

void pyn__signals_status(struct pyn__console *c, FILE *f)
{
	if (c->mode == PYN__CONSOLE_TTY && c->line_drawn) {
		fputs("\r\033[K", c->out);
		fflush(c->out);
		c->line_drawn = false;
	}
	fprintf(f,
		"pyntest: status: %zu of %zu tests done after %.1f s; %zu running%s",
		c->done, c->total, pyn__now() - c->start_s, c->n_running,
		c->n_running ? ":" : "");
	for (size_t i = 0; i < c->n_running; i++)
		fprintf(f, "%s%s", i ? ", " : " ", c->running[i]);
	fputc('\n', f);
	fflush(f);
}
