/* SPDX-License-Identifier: MIT */
/*
 * engine/wrapper.c - a tool each test's process runs under (`wrapper:`,
 * --wrapper: "valgrind -q --error-exitcode=99"): its command line split
 * into argv, the worker's argv behind it, and what the tool said at the
 * end: a tool's error makes the test `error`, its JUnit type naming the
 * tool ("Valgrind"), its summary the message.
 *
 * May call: libc only; result.c calls it with the job and the verdict.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "classify.h"
#include "internal.h"

/*
 * Split at blanks; '...' keeps everything, "..." all but \" and \\,
 * a backslash outside quotes escapes the next character.  Nothing is
 * expanded ($VAR, ~, globs): it is no shell.
 */
int pyn__wrapper_split(const char *cmd, char ***out, struct pyn_error *err)
{
	size_t len = strlen(cmd), n = 0, k = 0;
	char **argv, *w;
	const char *s;
	char quote = 0;
	int in_word = 0;

	*out = NULL;
	/* At most len / 2 + 1 words, and the NULL. */
	argv = calloc(1, (len / 2 + 2) * sizeof(char *) + len + 1);
	if (!argv)
		return pyn_error_set(err, PYN_ENOMEM, NULL, 0, 0,
				     "out of memory");
	w = (char *)(argv + len / 2 + 2);
	for (s = cmd; *s; s++) {
		char c = *s;

		if (quote) {
			if (c == quote) {
				quote = 0;
				continue;
			}
			if (quote == '"' && c == '\\' &&
			    (s[1] == '"' || s[1] == '\\'))
				c = *++s;
			w[k++] = c;
			continue;
		}
		if (c == ' ' || c == '\t' || c == '\n') {
			if (in_word) {
				w[k++] = '\0';
				in_word = 0;
			}
			continue;
		}
		if (!in_word) {
			argv[n++] = w + k;
			in_word = 1;
		}
		if (c == '\'' || c == '"')
			quote = c;
		else if (c == '\\' && s[1])
			w[k++] = *++s;
		else
			w[k++] = c;
	}
	w[k] = '\0';
	if (quote || !n) {
		free(argv);
		return pyn_error_set(err, PYN_EINVAL, NULL, 0, 0,
				     quote ? "wrapper '%s': unclosed quote" :
					     "wrapper '%s' has no command",
				     cmd);
	}
	argv[n] = NULL;
	*out = argv;
	return 0;
}

char **pyn__wrapper_argv(char *const *wrapper, char *const *argv)
{
	size_t n = 0, m = 0, i;
	char **all;

	while (wrapper[n])
		n++;
	while (argv[m])
		m++;
	all = calloc(n + m + 1, sizeof(*all));
	if (!all)
		return NULL;
	for (i = 0; i < n; i++)
		all[i] = wrapper[i];
	for (i = 0; i < m; i++)
		all[n + i] = argv[i];
	return all;
}

/* "Valgrind" for /usr/bin/valgrind: the tool's name, capitalised. */
static void tool_name(const char *path, char *out, size_t len)
{
	const char *base = strrchr(path, '/');

	snprintf(out, len, "%s", base ? base + 1 : path);
	if (out[0] >= 'a' && out[0] <= 'z')
		out[0] = (char)(out[0] - 'a' + 'A');
}

/* The end of the line at `s` (its '\n' or the buffer's end). */
static const char *line_end(const char *s, const char *end)
{
	const char *nl = memchr(s, '\n', (size_t)(end - s));

	return nl ? nl : end;
}

/*
 * Valgrind's "==PID== " prefix: the text after it, or NULL when the line
 * has none.
 */
static const char *valgrind_text(const char *s, const char *end)
{
	if (end - s < 5 || s[0] != '=' || s[1] != '=')
		return NULL;
	s += 2;
	while (s < end && *s >= '0' && *s <= '9')
		s++;
	if (end - s < 3 || s[0] != '=' || s[1] != '=' || s[2] != ' ')
		return NULL;
	return s + 3;
}

/*
 * In the test's stderr, valgrind's report: its errors (a line not
 * indented, followed by the first frame of a stack, "   at 0x...: FN
 * (FILE:LINE)") and its "ERROR SUMMARY: N errors ..." line (which -q
 * leaves out).  The message: the first error at its frame, and the
 * summary.  Returns the number of errors, 0 when none.
 */
static long valgrind_report(const char *buf, size_t len, char *msg,
			    size_t msg_len)
{
	const char *end = buf + len, *s, *e, *t, *prev = NULL, *colon;
	const char *first = NULL, *frame = NULL, *summary = NULL;
	int first_len = 0, frame_len = 0, summary_len = 0, prev_len = 0;
	long n = 0, seen = 0;

	msg[0] = '\0';
	for (s = buf; s < end; s = e + 1) {
		e = line_end(s, end);
		t = valgrind_text(s, e);
		if (t && !strncmp(t, "   at 0x", 8) && prev && prev[0] != ' ') {
			seen++;
			if (!first) {
				first = prev;
				first_len = prev_len;
				colon = memchr(t, ':', (size_t)(e - t));
				frame = colon ? colon + 2 : t + 3;
				frame_len = (int)(e - frame);
				if (frame_len < 0)
					frame_len = 0;
			}
		}
		if (t && !strncmp(t, "ERROR SUMMARY: ", 15)) {
			n = strtol(t + 15, NULL, 10);
			summary = t;
			summary_len = (int)(e - t);
		}
		prev = t;
		prev_len = t ? (int)(e - t) : 0;
		if (e == end)
			break;
	}
	if (!summary)
		n = seen;
	if (n <= 0)
		return 0;
	if (first && summary)
		snprintf(msg, msg_len, "%.*s at %.*s; %.*s", first_len, first,
			 frame_len, frame, summary_len, summary);
	else if (first)
		snprintf(msg, msg_len, "%.*s at %.*s (%ld error%s)", first_len,
			 first, frame_len, frame, n, n == 1 ? "" : "s");
	else
		snprintf(msg, msg_len, "%.*s", summary_len, summary);
	return n;
}

void pyn__wrapper_verdict(const struct pyn__job *job, int child_state,
			  struct pyn__verdict *v)
{
	char tool[32], msg[sizeof(v->message)];
	int code;
	long errors = 0;

	if (!job->wrapper || job->pid <= 0 || job->killed_by ||
	    !WIFEXITED(job->status))
		return;
	/* Only a test that ran to its end: the tool spoke after it. */
	if (child_state != PYN_CHILD_RETURNED &&
	    child_state != PYN_CHILD_FAILED && child_state != PYN_CHILD_SKIPPED)
		return;
	code = WEXITSTATUS(job->status);
	if (job->err.buf)
		errors = valgrind_report(job->err.buf, job->err.len, msg,
					 sizeof(msg));
	if (errors <= 0 && (code == 0 || code == 1))
		return;
	tool_name(job->wrapper[0], tool, sizeof(tool));
	v->outcome = PYN_OUTCOME_ERROR;
	snprintf(v->error_type, sizeof(v->error_type), "%s", tool);
	if (errors > 0)
		snprintf(v->message, sizeof(v->message), "%s", msg);
	else
		snprintf(v->message, sizeof(v->message),
			 "the wrapper '%s' exited with code %d after the test "
			 "ended (its output is in the test's stderr)",
			 job->wrapper[0], code);
}
