#!/usr/bin/env python3
"""CPU seconds (user + system) used so far, one figure per argument, space-separated: PID for that process alone,
tree:PID for the process with its children, living and reaped (PostgreSQL's postmaster and its backends)."""
import os
import sys

HZ = os.sysconf("SC_CLK_TCK")


def stat(pid):
    try:
        return open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    except OSError:
        return None


def own(fields):
    return int(fields[11]) + int(fields[12])


def seconds(arg):
    if not arg.startswith("tree:"):
        return own(stat(arg)) / HZ
    parent = arg[len("tree:"):]
    fields = stat(parent)
    ticks = own(fields) + int(fields[13]) + int(fields[14])
    for pid in os.listdir("/proc"):
        child = pid.isdigit() and stat(pid)
        if child and child[1] == parent:
            ticks += own(child)
    return ticks / HZ


print(" ".join(str(seconds(arg)) for arg in sys.argv[1:]))
