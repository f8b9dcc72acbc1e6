/* SPDX-License-Identifier: MIT */
/*
 * max_files - at most `count` open files in a test (RLIMIT_NOFILE).
 *
 *   limiters: { max_files: { count: 16 } }
 *
 * RLIMIT_NOFILE bounds the *number* of a new descriptor, so descriptors
 * the harness holds already stay open; a test that opens more than allowed
 * sees EMFILE and fails by itself.  No outcome is claimed.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include "../option.h"

struct files_child {
	uint64_t count;
	int loading;
};

static const char *const keys[] = { "count", NULL };

static int files_validate(const struct pyn_limiter_option *o, char *msg,
			  size_t msg_len)
{
	uint64_t v;

	if (strcmp(o->key, "count") != 0)
		return ex_unknown_key(o, "count", msg, msg_len);
	return ex_parse_count(o, 0, 1u << 20, &v, msg, msg_len);
}

static int files_setup(struct pyn_limiter_request *req, void **state, char *msg,
		       size_t msg_len)
{
	struct files_child c = { 0, req->loading };
	size_t i;

	*state = NULL;
	req->child_data_size =
		req->child_data_size >= sizeof(c) ? sizeof(c) : 0;
	if (!req->configured)
		return 1;
	if (!req->child_data_size) {
		snprintf(msg, msg_len, "no room for child data");
		return -1;
	}
	for (i = 0; i < req->n_options; i++) {
		if (files_validate(&req->options[i], msg, msg_len))
			return -1;
		ex_parse_count(&req->options[i], 0, 1u << 20, &c.count, msg,
			       msg_len);
	}
	if (!c.count) {
		snprintf(msg, msg_len, "'count' is required");
		return -1;
	}
	memcpy(req->child_data, &c, sizeof(c));
	return 0;
}

static int files_apply(const void *data, size_t size, char *msg, size_t msg_len)
{
	struct files_child c;
	struct rlimit rl;

	if (size != sizeof(c))
		return -1;
	memcpy(&c, data, sizeof(c));
	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return -1;
	if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < c.count)
		c.count = rl.rlim_max;
	rl.rlim_cur = c.count;
	if (!c.loading)
		rl.rlim_max = c.count;
	if (setrlimit(RLIMIT_NOFILE, &rl) < 0) {
		/* snprintf is not async-signal-safe: a fixed message. */
		strncpy(msg, "cannot set RLIMIT_NOFILE", msg_len - 1);
		msg[msg_len - 1] = '\0';
		return -1;
	}
	return 0;
}

static int files_probe(const struct pyn_host *host, const char *forced,
		       char *provider, size_t provider_len, char *why,
		       size_t why_len)
{
	(void)host;
	(void)why;
	(void)why_len;
	(void)forced;
	snprintf(provider, provider_len, "rlimit");
	return 1;
}

static const char *const providers[] = { "rlimit", NULL };

static const struct pyn_limiter max_files = {
	.abi_version = PYN_LIMITER_ABI_VERSION,
	.struct_size = sizeof(struct pyn_limiter),
	.name = "max_files",
	.version = "1.0",
	.summary = "at most `count` open files (RLIMIT_NOFILE)",
	.provides = PYN_PROVIDES_OTHER,
	.keys = keys,
	.probe = files_probe,
	.validate = files_validate,
	.setup = files_setup,
	.apply = files_apply,
	.providers = providers,
};

PYN_LIMITER_ENTRY(max_files)
{
	(void)host;
	(void)msg;
	(void)msg_len;
	return &max_files;
}
