"""How many cores this process may keep busy: the processes that share the machine's cores each get a share.

A national run (``kttt materialize`` with several provinces) runs its provinces in several worker processes, one
per core (cli.py); each of those may then use only its share, so that a province's reading does not fork a reading
pool of its own on cores the other workers already use (ingest/period.py). The share is handed down in the
environment (:data:`CORES_ENV`), where a child forked or started by the worker finds it too.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

#: environment variable: the number of cores this process (and its children) may keep busy; unset: all of them
CORES_ENV = "KTTT_CORES"


def machine_cores() -> int:
    """The cores this process may run on: its CPU affinity where the system says (else the machine's count), at
    most what its control group's CPU quota allows (a container started with ``--cpus 2`` on a larger host)."""
    try:
        cores = max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # no affinity on this system (macOS, Windows)
        cores = max(1, os.cpu_count() or 1)
    quota = cpu_quota_cores()
    return min(cores, quota) if quota else cores


def cpu_quota_cores(root: Path = Path("/sys/fs/cgroup"), membership: Path = Path("/proc/self/cgroup")) -> int | None:
    """The cores the CPU quota of this process's control group allows, rounded up (the smallest quota of the group
    and the groups above it, cgroup v2 ``cpu.max`` or v1 ``cpu.cfs_quota_us``); None when no quota is set or none
    can be read (not Linux)."""
    try:
        lines = membership.read_text().splitlines()
    except OSError:
        return None
    quotas: list[float] = []
    for line in lines:
        _, controllers, path = (line.split(":", 2) + ["", ""])[:3]
        rel = Path(path.strip().lstrip("/"))
        if controllers == "":  # v2: one unified hierarchy
            bases, read = [root], _v2_quota
        elif "cpu" in controllers.split(","):
            bases, read = [root / controllers, root / "cpu"], _v1_quota
        else:
            continue
        for base in bases:
            for group in [rel, *rel.parents]:
                quota = read(base / group)
                if quota:
                    quotas.append(quota)
    return max(1, math.ceil(min(quotas))) if quotas else None


def _v2_quota(group: Path) -> float | None:
    try:
        limit, period = (group / "cpu.max").read_text().split()[:2]
        return int(limit) / int(period) if limit != "max" and int(period) > 0 else None
    except (OSError, ValueError):
        return None


def _v1_quota(group: Path) -> float | None:
    try:
        limit = int((group / "cpu.cfs_quota_us").read_text())
        period = int((group / "cpu.cfs_period_us").read_text())
        return limit / period if limit > 0 and period > 0 else None
    except (OSError, ValueError):
        return None


def usable_cores() -> int:
    """The cores this process may keep busy: its share (:data:`CORES_ENV`) when it was given one, else all the
    cores it may run on. A share that is not a whole number of at least 1 is ignored."""
    share = os.environ.get(CORES_ENV, "").strip()
    if share.isdigit() and int(share) >= 1:
        return min(int(share), machine_cores())
    return machine_cores()


def split_cores(workers: int) -> list[int]:
    """Each of ``workers`` processes' share of this process's cores (at least one each; the cores left over go to
    the first ones)."""
    cores = usable_cores()
    base, extra = divmod(cores, workers)
    return [max(1, base + (1 if i < extra else 0)) for i in range(workers)]


@contextmanager
def cores_share(cores: int) -> Iterator[None]:
    """This process (and what it starts meanwhile) keeps at most ``cores`` busy until the block ends; the share it
    had before is given back then (a step run in the caller's own process must not change what comes after)."""
    before = os.environ.get(CORES_ENV)
    os.environ[CORES_ENV] = str(max(1, int(cores)))
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(CORES_ENV, None)
        else:
            os.environ[CORES_ENV] = before
