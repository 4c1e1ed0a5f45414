"""The grader's benchmark: ``python3 benchmarks/run.py`` prints a table and writes JSON.

Measured side by side, in one run, on this machine:

1. the floor: the same checks run by plain pytest in one process against the
   reference solutions imported directly (``benchmarks/floor/plugin.py``);
2. ``flask-grader check`` on the same solutions;
3. CS50's check50 (``--dev``, offline) on equivalent checks for 02, 03 and 04
   (``benchmarks/check50/``), installed into a private virtualenv on first use;
4. ``flask-grader check`` of a whole learner's course, cold (``--no-cache``) and
   unchanged (every result in the cache);
5. ``flask-grader watch``: from a real save of ``app.py`` to the first check on
   the screen, and to the last (02, 03, 04);
6. batch throughput at ``-j 2`` on two generated classes of full submissions
   (``--class-size``): a distinct one (no two files alike) and a realistic one
   (a third of the exercises untouched starters, the rest shared by three learners);
7. peak memory of a worker.

Every time is the median of ``--runs`` runs (wall clock, whole commands); every
grading here but the unchanged course and watch is cold (``--no-cache``).
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import platform
import queue
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from grader import judge  # noqa: E402
from grader.course import Course  # noqa: E402
from grader.grading import hypothesis_cache  # noqa: E402
from grader.sandbox.process import Sandbox, WorkerSpec, probe_layers  # noqa: E402
from grader.sandbox.protocol import Request  # noqa: E402

CHECK50_EXERCISES = ("02_first_route", "03_dynamic_routes", "04_converters")
CHECK50_VENV = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "flask-grader" / "check50-venv"


def env() -> dict[str, str]:
    """The environment both the floor and the grader get: same plugins, same Hypothesis cache."""
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "PYTHONHASHSEED": "0",
        "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
        "PYTEST_PLUGINS": "_hypothesis_pytestplugin",
        "HYPOTHESIS_STORAGE_DIRECTORY": str(hypothesis_cache()),
    }


def timed(command: list[str], runs: int, cwd: Path = ROOT, expect_ok: bool = True) -> float:
    """Median wall-clock seconds of ``command`` over ``runs`` runs (after one warm-up)."""
    samples = []
    for attempt in range(runs + 1):
        started = time.perf_counter()
        done = subprocess.run(command, cwd=cwd, env=env(), capture_output=True, text=True)
        elapsed = time.perf_counter() - started
        if expect_ok and done.returncode != 0:
            raise SystemExit(
                f"{' '.join(command)} failed ({done.returncode}):\n{done.stdout[-2000:]}{done.stderr[-2000:]}"
            )
        if attempt:  # the first run warms caches (Hypothesis's Unicode tables, the page cache)
            samples.append(elapsed)
    return statistics.median(samples)


def floor_command(exercises: list[str]) -> list[str]:
    checks = [str(ROOT / "exercises" / exercise / "checks.py") for exercise in exercises]
    return [
        sys.executable,
        "-m",
        "pytest",
        *checks,
        *judge.PYTEST_ARGS,
        "--rootdir",
        str(ROOT),
        "-p",
        "benchmarks.floor.plugin",
    ]


def grader_command(exercises: list[str], jobs: int = 1) -> list[str]:
    """A cold ``check`` of the reference solutions (the cache would answer every run but the first)."""
    return [
        *(sys.executable, "-m", "grader", "check", *exercises),
        *("--root", str(ROOT / "solutions"), "-j", str(jobs), "--no-cache"),
    ]


def learner_course(folder: Path) -> Path:
    """A learner's copy of the course: the exercises at their starters, no state yet."""
    shutil.copytree(ROOT / "exercises", folder / "exercises", ignore=shutil.ignore_patterns("__pycache__"))
    return folder


def unchanged_check(runs: int) -> dict[str, float]:
    """``check`` of a whole untouched course: cold, then with every result in the cache."""
    with tempfile.TemporaryDirectory(prefix="bench-course-") as tmp:
        course = learner_course(Path(tmp))
        command = [sys.executable, "-m", "grader", "--course", str(course), "check"]
        cold = timed([*command, "--no-cache"], runs, cwd=course, expect_ok=False)
        warm = timed(command, runs, cwd=course, expect_ok=False)  # its warm-up run fills the cache
    return {"cold_s": round(cold, 3), "unchanged_s": round(warm, 3), "unchanged_over_cold": round(warm / cold, 3)}


KEYS_LINE = "h hint · l list · n next exercise · q quit"


def watch_latency(exercise: str, runs: int) -> dict[str, float]:
    """Seconds from a real save of ``app.py`` to the first check on ``watch``'s screen, and to
    the settled screen. The file is the reference solution, already recorded as passed (so
    watch stays on it), with a new comment each save (so the cache has no answer)."""
    with tempfile.TemporaryDirectory(prefix="bench-watch-") as tmp:
        course = learner_course(Path(tmp))
        app = course / "exercises" / exercise / "app.py"
        solution = (ROOT / "solutions" / exercise / "app.py").read_text(encoding="utf-8")
        app.write_text(solution, encoding="utf-8")
        base = [sys.executable, "-m", "grader", "--course", str(course)]
        subprocess.run([*base, "check", exercise], cwd=course, env=env(), capture_output=True, check=True)
        watch = subprocess.Popen(
            [*base, "watch", exercise], cwd=course, env=env(), stdin=subprocess.PIPE, stdout=subprocess.PIPE
        )
        screens: queue.Queue[tuple[float, str]] = queue.Queue()
        threading.Thread(target=_read_screens, args=(watch.stdout, screens), daemon=True).start()
        try:
            _settled(screens, time.perf_counter() - 1)  # the first check, at start-up
            firsts, lasts = [], []
            for run in range(runs + 1):
                time.sleep(0.5)  # the learner reads
                saved = time.perf_counter()
                app.write_text(f"{solution}\n# save {run}\n", encoding="utf-8")
                first, last = _settled(screens, saved)
                if run:  # the first save warms the judge's page cache
                    firsts.append(first - saved)
                    lasts.append(last - saved)
        finally:
            watch.kill()
            watch.wait()
    return {"first_verdict_s": round(statistics.median(firsts), 3), "all_checks_s": round(statistics.median(lasts), 3)}


def _read_screens(stream, screens: queue.Queue[tuple[float, str]]) -> None:
    """Each screen watch draws (it ends with the key line), stamped when it arrived."""
    text = ""
    while chunk := os.read(stream.fileno(), 65536):
        text += chunk.decode("utf-8", "replace")
        while KEYS_LINE in text:
            screen, _, text = text.partition(KEYS_LINE)
            screens.put((time.perf_counter(), screen))


def _settled(screens: queue.Queue[tuple[float, str]], after: float, timeout: float = 300) -> tuple[float, float]:
    """When, after ``after``, the first check of a new grading and its settled screen arrived.

    While checking, watch shows the checks ended so far: the first screen with fewer check
    lines than the last settled one is the new grading's first verdict."""
    first = None
    while True:
        stamp, screen = screens.get(timeout=timeout)
        if stamp < after:
            continue
        verdicts = sum(word in line for line in screen.splitlines() for word in VERDICTS)
        checking = "Checking " in screen
        if first is None and verdicts and (not checking or verdicts < _settled.checks):  # type: ignore[attr-defined]
            first = stamp
        if verdicts and not checking:
            _settled.checks = verdicts  # type: ignore[attr-defined]
            return first or stamp, stamp


_settled.checks = 10**6  # type: ignore[attr-defined]
VERDICTS = ("  PASS ", "  FAIL ", "  ERROR ", "  TIMEOUT ")


def check50_available() -> Path | None:
    """The check50 executable, installed into a private virtualenv on first use."""
    executable = CHECK50_VENV / "bin" / "check50"
    if not executable.exists():
        try:
            subprocess.run([sys.executable, "-m", "venv", str(CHECK50_VENV)], check=True, capture_output=True)
            subprocess.run(
                [str(CHECK50_VENV / "bin" / "pip"), "install", "-q", "check50==3.5.0", "flask"],
                check=True,
                capture_output=True,
            )
        except (subprocess.CalledProcessError, OSError) as exc:
            print(f"check50 could not be installed ({exc}); its column is left out.", file=sys.stderr)
            shutil.rmtree(CHECK50_VENV, ignore_errors=True)
            return None
    return executable


def check50_time(executable: Path, exercise: str, runs: int) -> float:
    with tempfile.TemporaryDirectory(prefix="check50-") as tmp:
        shutil.copyfile(ROOT / "solutions" / exercise / "app.py", Path(tmp, "app.py"))
        command = [str(executable), "--dev", str(ROOT / "benchmarks" / "check50" / exercise), "-o", "json"]
        done = subprocess.run(command, cwd=tmp, capture_output=True, text=True)
        report = json.loads(done.stdout[done.stdout.index("{") :])
        failed = [r["name"] for r in report["results"] if r["passed"] is not True]
        if failed:
            raise SystemExit(f"check50 failed {failed} on the reference solution of {exercise}")
        return timed(command, runs, cwd=Path(tmp))


def worker_memory(course: Course) -> dict[str, float]:
    """Peak resident memory of one worker per exercise (MiB): VmHWM counts pages shared
    with the zygote, Pss shares them out, so Pss is what each extra worker costs."""
    peaks, pss = [], []
    with Sandbox() as sandbox:
        for exercise in course.exercises():
            files = tuple((course.solutions_dir / exercise.id / name, name) for name in exercise.files)
            files += tuple((exercise.path / asset, asset) for asset in exercise.assets)
            worker = sandbox.spawn(WorkerSpec(files))
            for _ in range(50):
                worker.exchange(Request(path="/"), 5, "benchmark")
            status = Path(f"/proc/{worker.pid}/status").read_text()
            peaks.append(int(status.split("VmHWM:")[1].split()[0]) / 1024)
            rollup = Path(f"/proc/{worker.pid}/smaps_rollup").read_text()
            pss.append(int(rollup.split("Pss:")[1].split()[0]) / 1024)
            worker.kill()
    return {"peak_rss_mib_max": round(max(peaks), 1), "pss_mib_max": round(max(pss), 1)}


def generate_class(course: Course, folder: Path, size: int, realistic: bool) -> Path:
    """``size`` learners, each with every exercise: the reference solution, or (for about a
    third, chosen deterministically) the starter, so scores vary.

    Distinct: every learner's ``app.py`` differs from every other (a comment naming the
    learner), so nothing is graded once for two. Realistic: the starters are untouched
    (alike across the class) and each solution is shared by three learners (a group of
    three hands in the same files). Both classes leave the same exercises at their starters."""
    for learner in range(size):
        for exercise in course.exercises():
            # By group, not by learner: by learner, two of a group's three had each solution.
            starter = (learner // 3 + exercise.order) % 3 == 0
            source = course.exercises_dir if starter else course.solutions_dir
            for name in exercise.files:
                target = folder / f"learner-{learner:03}" / exercise.id / name
                target.parent.mkdir(parents=True, exist_ok=True)
                copy = shutil.copytree if (source / exercise.id / name).is_dir() else shutil.copyfile
                copy(source / exercise.id / name, target)
            app = folder / f"learner-{learner:03}" / exercise.id / "app.py"
            if not realistic:
                app.write_text(app.read_text(encoding="utf-8") + f"\n# learner {learner}\n", encoding="utf-8")
            elif not starter:
                app.write_text(app.read_text(encoding="utf-8") + f"\n# group {learner // 3}\n", encoding="utf-8")
    return folder


def batch_seconds(classroom: Path, jobs: int) -> float:
    """Wall-clock seconds of ``flask-grader batch`` over the class (one run: it is long)."""
    with tempfile.TemporaryDirectory(prefix="batch-out-") as out:
        command = [sys.executable, "-m", "grader", "batch", str(classroom), "--out", out, "-j", str(jobs)]
        command += os.environ.get("BENCH_BATCH_ARGS", "").split()  # such as --allow-weak-sandbox
        started = time.perf_counter()
        done = subprocess.run(command, cwd=ROOT, env=env(), capture_output=True, text=True)
        elapsed = time.perf_counter() - started
        if done.returncode != 0:
            raise SystemExit(f"batch failed ({done.returncode}):\n{done.stderr[-2000:]}")
        return elapsed


def machine() -> dict[str, str]:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory = next(
        line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")
    )
    from importlib.metadata import version

    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "memory_gib": f"{int(memory) / 1024 / 1024:.0f}",
        "python": platform.python_version(),
        "flask": version("flask"),
        "pytest": version("pytest"),
        "hypothesis": version("hypothesis"),
        "load_average_at_start": load_average(),
        "grader_sandbox_layers": ", ".join(name for name, layer in probe_layers().items() if layer.active),
    }


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5, help="runs per measurement (median reported)")
    parser.add_argument("--json", type=Path, default=ROOT / "benchmarks" / "results.json")
    parser.add_argument("--class-size", type=int, default=100, help="submissions in the batch measurement (0: skip it)")
    args = parser.parse_args()
    # As an installed package has: a checkout run under PYTHONDONTWRITEBYTECODE would
    # otherwise compile every module on every start, which no learner's install does.
    compileall.compile_dir(ROOT / "grader", quiet=1)
    course = Course(ROOT)
    everything = [exercise.id for exercise in course.exercises()]
    about = machine()
    results: dict[str, object] = {"machine": about, "runs": args.runs}
    rows = []

    check50 = check50_available()
    for exercise in CHECK50_EXERCISES:
        floor = timed(floor_command([exercise]), args.runs)
        ours = timed(grader_command([exercise]), args.runs)
        theirs = check50_time(check50, exercise, args.runs) if check50 else None
        latency = watch_latency(exercise, args.runs)
        rows.append((exercise, floor, ours, theirs, latency))
    floor_all = timed(floor_command(everything), args.runs)
    ours_all_1 = timed(grader_command(everything, jobs=1), args.runs)
    ours_all = timed(grader_command(everything, jobs=os.cpu_count() or 1), args.runs)

    results["single_exercise"] = [
        {
            "exercise": e,
            "floor_s": round(f, 3),
            "grader_s": round(o, 3),
            "check50_s": round(t, 3) if t else None,
            "grader_over_floor": round(o / f, 2),
            "grader_over_check50": round(o / t, 2) if t else None,
            "watch_first_verdict_s": w["first_verdict_s"],
            "watch_all_checks_s": w["all_checks_s"],
            "watch_first_over_check50": round(w["first_verdict_s"] / t, 2) if t else None,
        }
        for e, f, o, t, w in rows
    ]
    results["full_submission"] = {
        "exercises": len(everything),
        "floor_s": round(floor_all, 3),
        "grader_j1_s": round(ours_all_1, 3),
        f"grader_j{os.cpu_count()}_s": round(ours_all, 3),
        f"grader_j{os.cpu_count()}_over_floor": round(ours_all / floor_all, 2),
    }
    results["unchanged_course_check"] = unchanged_check(args.runs)
    results["worker_memory"] = worker_memory(course)
    if args.class_size:
        batch = {}
        for kind in ("distinct", "realistic"):
            with tempfile.TemporaryDirectory(prefix="batch-class-") as tmp:
                classroom = generate_class(course, Path(tmp), args.class_size, realistic=kind == "realistic")
                batch[kind] = batch_seconds(classroom, 2)
        results["batch"] = {
            "submissions": args.class_size,
            "exercises_each": len(everything),
            "distinct_j2_s": round(batch["distinct"], 1),
            "realistic_j2_s": round(batch["realistic"], 1),
            "distinct_per_submission_over_floor": round(batch["distinct"] / args.class_size / floor_all, 2),
            "realistic_speedup": round(batch["distinct"] / batch["realistic"], 2),
            "distinct_j2_submissions_per_minute": round(args.class_size / batch["distinct"] * 60, 1),
        }
    about["load_average_at_end"] = load_average()

    print(f"machine: {results['machine']}")
    print(
        f"\n{'exercise':22} {'floor':>7} {'grader':>7} {'check50':>8} {'grader/floor':>13} {'grader/check50':>15}"
        f" {'watch first':>12} {'watch all':>10}"
    )
    for e, f, o, t, w in rows:
        c50 = f"{t:8.2f}" if t else "       -"
        ratio = f"{o / t:15.2f}" if t else "              -"
        print(
            f"{e:22} {f:7.2f} {o:7.2f} {c50} {o / f:13.2f} {ratio}"
            f" {w['first_verdict_s']:12.2f} {w['all_checks_s']:10.2f}"
        )
    print(
        f"\nfull submission ({len(everything)} exercises): floor {floor_all:.2f} s, grader -j1 {ours_all_1:.2f} s, "
        f"-j{os.cpu_count()} {ours_all:.2f} s"
    )
    print(f"check, unchanged course: {results['unchanged_course_check']}")
    print(f"worker memory: {results['worker_memory']}")
    if "batch" in results:
        print(f"batch: {results['batch']}")
    args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"\nwritten to {args.json}")


if __name__ == "__main__":
    main()
