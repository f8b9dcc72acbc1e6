# SPDX-License-Identifier: MIT
"""bench/soak/manifest.py N LIB - print the soak's manifest: N tests of a
fixed mix of outcomes (the order spreads the kinds evenly)."""
import sys

n, lib = int(sys.argv[1]), sys.argv[2]
# (per 100, function, extra keys)
MIX = [
    (70, "soak_pass", ""),
    (8, "soak_fail", ""),
    (6, "soak_crash", ""),
    (4, "soak_sleep", "wall_time: 50ms"),
    (3, "soak_spin", "cpu_time: 30ms"),
    (4, "soak_eat", "memory: 32MB"),
    (3, "soak_orphan", ""),
    (2, "soak_print", "output_limit: 4KB"),
]
slots = []
for count, fn, extra in MIX:
    slots += [(fn, extra)] * count
# Interleave: slot i*37 mod 100 walks every slot once.
order = [slots[(i * 37) % 100] for i in range(100)]
print("version: 1")
print("defaults:\n  wall_time: 10s\n  cpu_time: 5s\n  memory: 256MB")
print("suites:\n  - name: soak\n    library: %s\n    tests:" % lib)
for i in range(n):
    fn, extra = order[i % 100]
    print("      - name: t%05d_%s" % (i, fn[5:]))
    print("        function: %s" % fn)
    if extra:
        print("        %s" % extra)
