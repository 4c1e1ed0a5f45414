"""What the sandbox costs an honest submission: ``python3 benchmarks/sandbox_overhead.py``.

Prints, with every layer on and with all off (and, per worker, with each layer off
alone, so each layer's own cost shows):

* starting a sandbox: the zygote's interpreter, Flask, and probing the layers;
* one fresh worker: fork, enter the sandbox, load the solution of exercise 02,
  answer one request, be killed;
* grading every reference solution end to end, as ``flask-grader verify`` does;
* one worker in each sandbox mode this machine can produce (root; a container without
  CAP_SYS_ADMIN; with ``--user``, a plain user with and without user namespaces; no
  Linux features);
* inside a worker, what applying each layer takes (the end-to-end differences are
  within a busy machine's noise; these are not).

Configurations take turns, so a busy machine slows them alike; medians are shown.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from grader.course import Course  # noqa: E402
from grader.grading import grade  # noqa: E402
from grader.sandbox.jail import Jail  # noqa: E402
from grader.sandbox.linux import fork_into_new_pid_namespace  # noqa: E402
from grader.sandbox.policy import LAYERS, Policy, describe  # noqa: E402
from grader.sandbox.process import Sandbox, WorkerSpec  # noqa: E402
from grader.sandbox.protocol import Request, ZygoteConfig  # noqa: E402

ALL_ON = Policy()
ALL_OFF = Policy(disable=frozenset(LAYERS))
SOLUTION = WorkerSpec(((ROOT / "solutions" / "02_first_route" / "app.py", "app.py"),))
REQUEST = Request(path="/about")


def ms(seconds: list[float]) -> str:
    return f"{statistics.median(seconds) * 1000:8.2f} ms"


def start_costs(rounds: int) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {"all layers": [], "no layers": []}
    for _ in range(rounds):
        for name, policy in (("all layers", ALL_ON), ("no layers", ALL_OFF)):
            started = time.perf_counter()
            with Sandbox(policy) as sandbox:
                sandbox.layers  # noqa: B018 - waits for the zygote's probe
                times[name].append(time.perf_counter() - started)
    return times


def one_worker(policy: Policy, rounds: int) -> list[float]:
    """Seconds per fresh worker (spawn, load 02's solution, one request, kill) under ``policy``."""
    times = []
    with Sandbox(policy) as sandbox:
        sandbox.layers  # noqa: B018 - the zygote ready before timing
        for _ in range(rounds):
            started = time.perf_counter()
            worker = sandbox.spawn(SOLUTION)
            assert worker.exchange(REQUEST, 5, "answering GET /about").status_code == 200
            worker.kill()
            times.append(time.perf_counter() - started)
    return times


# The container condition, as the tests make it: Docker's default profile refuses these.
CONTAINER_FILTER = (
    "import os, sys; from grader.sandbox.seccomp import Filter; "
    "Filter(deny=('unshare', 'setns', 'mount'), sockets=False).install(); os.execvp(sys.argv[1], sys.argv[1:])"
)
DROPPED = "-sys_admin,-net_admin,-sys_ptrace"


def mode_costs(rounds: int, user: str | None, python: str) -> dict[str, list[float]]:
    """Per-worker cost in each sandbox mode this machine can produce (root: all of them;
    the plain-user modes need ``--user`` and an interpreter that user can run)."""
    me = [python, str(Path(__file__).resolve()), "--worker-only", str(rounds)]
    modes: dict[str, list[str]] = {"root, every layer": me}
    modes["container (no CAP_SYS_ADMIN, namespaces filtered)"] = [
        python, "-c", CONTAINER_FILTER, "setpriv", "--bounding-set", DROPPED, "--inh-caps", DROPPED, "--", *me,
    ]  # fmt: skip
    if user:
        modes["plain user (user namespace)"] = ["runuser", "-u", user, "--", *me]
        modes["plain user, user namespaces refused"] = [
            python,
            "-c",
            CONTAINER_FILTER,
            "runuser",
            "-u",
            user,
            "--",
            *me,
        ]
    modes["no Linux features"] = [*me, "--no-linux"]
    found = {}
    for name, command in modes.items():
        done = subprocess.run(command, capture_output=True, text=True, cwd="/")
        found[name] = json.loads(done.stdout) if done.returncode == 0 else []
        if done.returncode:
            print(f"  ({name}: failed: {done.stderr.strip().splitlines()[-1:]})")
    return found


def worker_costs(rounds: int) -> dict[str, list[float]]:
    configs = {"all layers": ALL_ON, "no layers": ALL_OFF}
    configs |= {f"all but {layer}": Policy(disable=frozenset({layer})) for layer in LAYERS}
    sandboxes = {name: Sandbox(policy) for name, policy in configs.items()}
    times: dict[str, list[float]] = {name: [] for name in configs}
    try:
        for sandbox in sandboxes.values():
            sandbox.layers  # noqa: B018 - every zygote ready before timing
        for _ in range(rounds):
            for name, sandbox in sandboxes.items():
                started = time.perf_counter()
                worker = sandbox.spawn(SOLUTION)
                reply = worker.exchange(REQUEST, 5, "answering GET /about")
                worker.kill()
                times[name].append(time.perf_counter() - started)
                assert reply.status_code == 200, reply
    finally:
        for sandbox in sandboxes.values():
            sandbox.close()
    return times


def grading_costs(rounds: int) -> dict[str, list[float]]:
    course = Course(ROOT)
    times: dict[str, list[float]] = {"all layers": [], "no layers": []}
    for _ in range(rounds):
        for name, policy in (("all layers", ALL_ON), ("no layers", ALL_OFF)):
            started = time.perf_counter()
            result = grade(course, course.solutions_dir, policy=policy)
            times[name].append(time.perf_counter() - started)
            assert all(exercise.passed for exercise in result.exercises), name
    return times


def layer_costs(rounds: int) -> dict[str, list[float]]:
    """Fork a child as the zygote does and time each layer it applies, from the inside."""
    import flask  # noqa: F401 - forked children start with Flask loaded, as workers do

    times: dict[str, list[float]] = {"fork": [], "fork into a new PID namespace": []}
    with Sandbox() as sandbox:  # for its cgroups and scratch folder
        config = ZygoteConfig(str(sandbox._scratch), str(ROOT / "grader"), cgroups={})
        own_pid_ns = os.open("/proc/self/ns/pid", os.O_RDONLY)
        for index in range(rounds):
            for name, fork in (
                ("fork", os.fork),
                ("fork into a new PID namespace", lambda: fork_into_new_pid_namespace(own_pid_ns)),
            ):
                read, write = os.pipe()
                started = time.perf_counter()
                pid = fork()
                if pid == 0:
                    forked = time.perf_counter() - started
                    jail = Jail(config, ["mount-namespace", "rlimits", "uid"])
                    workdir = sandbox._scratch / f"layers-{index}-{len(name)}"
                    jail.enter(workdir, [(str(SOLUTION.files[0][0]), "app.py")], [write])
                    os.write(write, json.dumps({name: forked, **jail.timings}).encode())
                    os._exit(0)
                os.close(write)
                with os.fdopen(read, "rb") as pipe:
                    for layer, seconds in json.loads(pipe.read()).items():
                        times.setdefault(layer, []).append(seconds)
                os.waitpid(pid, 0)
        os.close(own_pid_ns)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=40, help="workers per configuration")
    parser.add_argument("--starts", type=int, default=5, help="sandbox starts per configuration")
    parser.add_argument("--gradings", type=int, default=3, help="gradings of all solutions per configuration")
    parser.add_argument("--user", help="a plain user to measure the plain-user modes as (root only)")
    parser.add_argument("--python", default=sys.executable, help="an interpreter that --user can run")
    parser.add_argument("--worker-only", type=int, metavar="N", help=argparse.SUPPRESS)
    parser.add_argument("--no-linux", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker_only:  # one mode's figure, for mode_costs
        print(json.dumps(one_worker(Policy(linux=not args.no_linux), args.worker_only)))
        return

    print(f"One worker in each sandbox mode (as above), median of {args.workers}:")
    for name, seconds in mode_costs(args.workers, args.user, args.python).items():
        print(f"  {name:52} {ms(seconds) if seconds else '   (not produced)'}")
    print()

    with Sandbox() as sandbox:
        print("Layers on this machine:\n" + describe(sandbox.layers) + "\n")

    print(f"Starting a sandbox (zygote and probe), median of {args.starts}:")
    for name, seconds in start_costs(args.starts).items():
        print(f"  {name:32} {ms(seconds)}")

    print(f"\nOne worker: spawn, load exercise 02's solution, one request, kill; median of {args.workers}:")
    workers = worker_costs(args.workers)
    base = statistics.median(workers["all layers"])
    for name, seconds in workers.items():
        delta = (base - statistics.median(seconds)) * 1000
        saved = f"  (this layer costs {delta:+.1f} ms)" if name.startswith("all but") else ""
        print(f"  {name:32} {ms(seconds)}{saved}")

    print(f"\nGrading every solution (all exercises, end to end), median of {args.gradings}:")
    for name, seconds in grading_costs(args.gradings).items():
        print(f"  {name:32} {statistics.median(seconds):8.2f} s")

    print(f"\nInside a worker: forking, and applying each per-worker layer; median of {args.workers}:")
    for name, seconds in layer_costs(args.workers).items():
        print(f"  {name:32} {ms(seconds)}")
    print("  (cgroups and the network namespace cost nothing per worker: the zygote joins them once)")


if __name__ == "__main__":
    main()
