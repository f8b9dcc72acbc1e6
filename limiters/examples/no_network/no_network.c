/* SPDX-License-Identifier: MIT */
/*
 * no_network - run a test without network access: a new, empty network
 * namespace (only a downed loopback), entered in apply().
 *
 *   limiters: { no_network: { enabled: true } }
 *
 * Creating a network namespace needs CAP_SYS_ADMIN, or an unprivileged
 * user namespace where the kernel allows them; probe() tries it once in a
 * child and reports the reason when it is refused.
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../option.h"

struct net_child {
	int loading;
};

static const char *const keys[] = { "enabled", NULL };

static int net_validate(const struct pyn_limiter_option *o, char *msg,
			size_t msg_len)
{
	int b;

	if (strcmp(o->key, "enabled") != 0)
		return ex_unknown_key(o, "enabled", msg, msg_len);
	return ex_parse_bool(o, &b, msg, msg_len);
}

static int net_setup(struct pyn_limiter_request *req, void **state, char *msg,
		     size_t msg_len)
{
	struct net_child c = { req->loading };
	int enabled = 1;
	size_t i;

	*state = NULL;
	req->child_data_size =
		req->child_data_size >= sizeof(c) ? sizeof(c) : 0;
	if (!req->configured)
		return 1;
	for (i = 0; i < req->n_options; i++) {
		if (net_validate(&req->options[i], msg, msg_len))
			return -1;
		ex_parse_bool(&req->options[i], &enabled, msg, msg_len);
	}
	/* A fork server shares the namespace with no one: apply per test. */
	if (!enabled || req->loading || !req->child_data_size)
		return 1;
	memcpy(req->child_data, &c, sizeof(c));
	return 0;
}

static int net_apply(const void *data, size_t size, char *msg, size_t msg_len)
{
	(void)data;
	(void)size;
	if (unshare(CLONE_NEWNET) < 0) {
		strncpy(msg,
			errno == EPERM ?
				"unshare(CLONE_NEWNET): not permitted" :
				"unshare(CLONE_NEWNET) failed",
			msg_len - 1);
		msg[msg_len - 1] = '\0';
		return -1;
	}
	return 0;
}

static int net_probe(const struct pyn_host *host, const char *forced,
		     char *provider, size_t provider_len, char *why,
		     size_t why_len)
{
	int status;
	pid_t pid;

	(void)host;
	(void)forced;
	pid = fork();
	if (pid < 0) {
		snprintf(why, why_len, "cannot fork to probe: %s",
			 strerror(errno));
		return 0;
	}
	if (pid == 0)
		_exit(unshare(CLONE_NEWNET) == 0 ? 0 : errno & 0x7f);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) {
		snprintf(why, why_len, "the probe child died");
		return 0;
	}
	if (WEXITSTATUS(status) != 0) {
		snprintf(
			why, why_len,
			"creating a network namespace is not permitted here: %s",
			strerror(WEXITSTATUS(status)));
		return 0;
	}
	snprintf(provider, provider_len, "netns");
	return 1;
}

static const char *const providers[] = { "netns", NULL };

static const struct pyn_limiter no_network = {
	.abi_version = PYN_LIMITER_ABI_VERSION,
	.struct_size = sizeof(struct pyn_limiter),
	.name = "no_network",
	.version = "1.0",
	.summary = "no network: an empty network namespace",
	.provides = PYN_PROVIDES_OTHER,
	.keys = keys,
	.probe = net_probe,
	.validate = net_validate,
	.setup = net_setup,
	.apply = net_apply,
	.providers = providers,
};

PYN_LIMITER_ENTRY(no_network)
{
	(void)host;
	(void)msg;
	(void)msg_len;
	return &no_network;
}
