/* SPDX-License-Identifier: MIT */
/*
 * max_file_size - a test may not write a file larger than `bytes`
 * (RLIMIT_FSIZE).
 *
 *   limiters: { max_file_size: { bytes: 1MB } }
 *
 * The kernel sends SIGXFSZ to a write past the limit; the limiter claims
 * that death as an error "exceeded file size limit 1.0 MiB".  A test that
 * ignores SIGXFSZ gets EFBIG from write() and fails by itself.
 */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include "../option.h"

struct fsize_child {
	uint64_t bytes;
	int loading;
};

static const char *const keys[] = { "bytes", NULL };

static int fsize_validate(const struct pyn_limiter_option *o, char *msg,
			  size_t msg_len)
{
	uint64_t v;

	if (strcmp(o->key, "bytes") != 0)
		return ex_unknown_key(o, "bytes", msg, msg_len);
	return ex_parse_count(o, 1, UINT64_MAX, &v, msg, msg_len);
}

static int fsize_setup(struct pyn_limiter_request *req, void **state, char *msg,
		       size_t msg_len)
{
	struct fsize_child c = { 0, req->loading };
	uint64_t *s;
	size_t i;

	*state = NULL;
	req->child_data_size =
		req->child_data_size >= sizeof(c) ? sizeof(c) : 0;
	if (!req->configured)
		return 1;
	for (i = 0; i < req->n_options; i++) {
		if (fsize_validate(&req->options[i], msg, msg_len))
			return -1;
		ex_parse_count(&req->options[i], 1, UINT64_MAX, &c.bytes, msg,
			       msg_len);
	}
	if (!c.bytes) {
		snprintf(msg, msg_len, "'bytes' is required");
		return -1;
	}
	s = malloc(sizeof(*s));
	if (!s || !req->child_data_size) {
		free(s);
		snprintf(msg, msg_len, "out of memory");
		return -1;
	}
	*s = c.bytes;
	*state = s;
	memcpy(req->child_data, &c, sizeof(c));
	return 0;
}

static int fsize_apply(const void *data, size_t size, char *msg, size_t msg_len)
{
	struct fsize_child c;
	struct rlimit rl;
	sigset_t set;

	if (size != sizeof(c))
		return -1;
	memcpy(&c, data, sizeof(c));
	if (getrlimit(RLIMIT_FSIZE, &rl) < 0)
		return -1;
	if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < c.bytes)
		c.bytes = rl.rlim_max;
	rl.rlim_cur = c.bytes;
	if (!c.loading)
		rl.rlim_max = c.bytes;
	if (setrlimit(RLIMIT_FSIZE, &rl) < 0) {
		strncpy(msg, "cannot set RLIMIT_FSIZE", msg_len - 1);
		msg[msg_len - 1] = '\0';
		return -1;
	}
	if (!c.loading) {
		/* The default action, so that the parent sees SIGXFSZ. */
		signal(SIGXFSZ, SIG_DFL);
		sigemptyset(&set);
		sigaddset(&set, SIGXFSZ);
		sigprocmask(SIG_UNBLOCK, &set, NULL);
	}
	return 0;
}

static int fsize_classify(void *state, const struct pyn_limiter_evidence *ev,
			  struct pyn_limiter_verdict *v)
{
	uint64_t *bytes = state;
	double mib;

	v->outcome = PYN_OUTCOME_UNDECIDED;
	if (!bytes || !WIFSIGNALED(ev->wait_status) ||
	    WTERMSIG(ev->wait_status) != SIGXFSZ)
		return 0;
	v->outcome = PYN_OUTCOME_ERROR;
	mib = (double)*bytes / (1024.0 * 1024.0);
	if (*bytes >= 1024 * 1024)
		snprintf(v->message, sizeof(v->message),
			 "exceeded file size limit %.1f MiB", mib);
	else
		snprintf(v->message, sizeof(v->message),
			 "exceeded file size limit %llu B",
			 (unsigned long long)*bytes);
	return 0;
}

static void fsize_teardown(void *state)
{
	free(state);
}

static const char *const providers[] = { "rlimit", NULL };

static const struct pyn_limiter max_file_size = {
	.abi_version = PYN_LIMITER_ABI_VERSION,
	.struct_size = sizeof(struct pyn_limiter),
	.name = "max_file_size",
	.version = "1.0",
	.summary = "no file written larger than `bytes` (RLIMIT_FSIZE)",
	.provides = PYN_PROVIDES_OTHER,
	.keys = keys,
	.validate = fsize_validate,
	.setup = fsize_setup,
	.apply = fsize_apply,
	.classify = fsize_classify,
	.teardown = fsize_teardown,
	.providers = providers,
};

PYN_LIMITER_ENTRY(max_file_size)
{
	(void)host;
	(void)msg;
	(void)msg_len;
	return &max_file_size;
}
