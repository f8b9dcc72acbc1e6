/* SPDX-License-Identifier: MIT */
/*
 * host/table.h - the host table's part only the registry calls (the
 * engine's part is in registry.h).
 */
#ifndef PYN_HOST_TABLE_H
#define PYN_HOST_TABLE_H

/* Name this process's cgroups (cgroup_prefix "pyntest-<pid>-"): at init. */
void pyn__host_start(void);

#endif /* PYN_HOST_TABLE_H */
