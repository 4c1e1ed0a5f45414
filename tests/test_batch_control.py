"""Controlling a batch: time limits, interruption and resuming, shards and merging."""

from __future__ import annotations

import csv
import os
import shlex
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import yaml

from grader.classroom.batch import BatchError, Manifest, Shard, merge
from grader.results import SubmissionResult, errored
from tests.helpers import ROOT, live_tasks_named, solution, write_submission

# The sandbox lets a submission write nowhere the test can read, so it shows that it
# runs by its process name (what `live_tasks_named` finds), unique to each test.
SLOW_IMPORT = """
import ctypes, time
from flask import Flask
ctypes.CDLL(None).prctl(15, {name!r}.encode(), 0, 0, 0)  # PR_SET_NAME
time.sleep({seconds})
app = Flask(__name__)
"""


def unique_name() -> str:
    return "slow" + uuid.uuid4().hex[:11]  # a process name holds 15 characters


def start_batch(submissions: Path, out: Path, tmp: Path, *args: str) -> subprocess.Popen[str]:
    tmp.mkdir(exist_ok=True)
    env = {**os.environ, "TMPDIR": str(tmp)}  # every judge's files land here: we can see they are gone
    return subprocess.Popen(
        [sys.executable, "-m", "grader", "batch", str(submissions), "--out", str(out), "--exercises", "01", *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def wait_for(condition, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.1)


def gradebook(out: Path) -> list[dict[str, str]]:
    with open(out / "gradebook.csv", newline="", encoding="utf-8") as stream:
        return list(csv.DictReader(stream))


def test_a_submission_past_the_time_limit_is_recorded_and_the_batch_goes_on(tmp_path):
    name = unique_name()
    submissions = write_submission(
        tmp_path / "class",
        {
            "slow/01_app_instance/app.py": SLOW_IMPORT.format(name=name, seconds=3),  # 3 s for each check
        },
    )
    batch = start_batch(submissions, tmp_path / "out", tmp_path / "tmp", "--timeout", "2")
    _, err = batch.communicate(timeout=120)
    assert batch.returncode == 0, err
    [row] = gradebook(tmp_path / "out")
    assert (row["learner"], row["total"], row["status"]) == ("slow", "0", "error")
    assert row["problem"] == "Grading this submission took longer than 2 s and was stopped."
    wait_for(lambda: not live_tasks_named(name), 10)  # the learner's process went with its judge
    assert list((tmp_path / "tmp").iterdir()) == []  # nothing left behind by the killed judge


def test_a_copy_of_finished_work_comes_from_the_cache_while_the_only_judge_is_busy(tmp_path):
    # -j 1: one judge at a time, but a learner whose files were graded already holds
    # none, so c-copy is done while b-slow's judge runs, not after it.
    name = unique_name()
    submissions = write_submission(tmp_path / "class", {"a-first/01_app_instance/app.py": solution("01_app_instance")})
    out = tmp_path / "out"
    _, err = start_batch(submissions, out, tmp_path / "tmp", "-j", "1").communicate(timeout=120)
    assert (out / "results" / "a-first.json").is_file(), err
    write_submission(
        submissions,
        {
            "b-slow/01_app_instance/app.py": SLOW_IMPORT.format(name=name, seconds=60),
            "c-copy/01_app_instance/app.py": solution("01_app_instance"),
        },
    )
    batch = start_batch(submissions, out, tmp_path / "tmp", "-j", "1")  # a-first is kept: b-slow, then c-copy
    try:
        wait_for(lambda: live_tasks_named(name))  # b-slow is being graded
        wait_for(lambda: (out / "results" / "c-copy.json").is_file(), 30)
        assert live_tasks_named(name), "b-slow's judge was still running"
        copy = SubmissionResult.load(out / "results" / "c-copy.json")
        assert copy.exercises[0].cached and copy.exercises[0].passed
    finally:
        batch.send_signal(signal.SIGINT)
        batch.communicate(timeout=60)
    wait_for(lambda: not live_tasks_named(name), 10)


def test_an_interrupted_batch_keeps_finished_results_and_resumes(tmp_path):
    name = unique_name()
    submissions = write_submission(
        tmp_path / "class",
        {
            "a-quick/01_app_instance/app.py": solution("01_app_instance"),
            "b-slow/01_app_instance/app.py": SLOW_IMPORT.format(name=name, seconds=60),
            # Its own files (a copy of a-quick's would come from the cache, with no judge to wait for).
            "c-never/01_app_instance/app.py": solution("01_app_instance") + "\n# c-never's own\n",
        },
    )
    out = tmp_path / "out"
    batch = start_batch(submissions, out, tmp_path / "tmp", "-j", "1")
    wait_for(lambda: live_tasks_named(name))  # b-slow is being graded
    assert (out / "results" / "a-quick.json").is_file()
    first = (out / "results" / "a-quick.json").stat().st_mtime_ns
    batch.send_signal(signal.SIGINT)
    _, err = batch.communicate(timeout=60)
    assert batch.returncode == 1
    assert "Interrupted. The finished results are kept" in err
    assert sorted(path.name for path in (out / "results").iterdir()) == ["a-quick.json"]
    wait_for(lambda: not live_tasks_named(name), 10)  # the learner's process went with its judge
    assert list((tmp_path / "tmp").iterdir()) == []

    (submissions / "b-slow" / "01_app_instance" / "app.py").write_text(solution("01_app_instance"))
    again = start_batch(submissions, out, tmp_path / "tmp", "-j", "1")
    output, err = again.communicate(timeout=120)
    assert again.returncode == 0, err
    assert "Graded 2 submissions (1 already done)" in output
    assert (out / "results" / "a-quick.json").stat().st_mtime_ns == first
    assert [(row["learner"], row["status"]) for row in gradebook(out)] == [
        ("a-quick", "graded"),
        ("b-slow", "graded"),
        ("c-never", "graded"),
    ]


def test_a_shard_is_k_of_n_with_each_learner_in_exactly_one_slice():
    learners = [f"learner-{n:02}" for n in range(11)]
    slices = [Shard.parse(f"{k}/3").select(learners) for k in (1, 2, 3)]
    assert sorted(sum(slices, [])) == learners
    assert [len(s) for s in slices] == [4, 4, 3]
    for text in ("0/3", "4/3", "3", "a/b", "1/0", "-1/2"):
        with pytest.raises(BatchError, match="is not K/N"):
            Shard.parse(text)


def fake_output(folder: Path, shard: str | None, learners: list[str], course, exercises=("01_app_instance",)) -> Path:
    (folder / "results").mkdir(parents=True)
    by_id = {exercise.id: exercise for exercise in course.exercises()}
    for learner in learners:
        SubmissionResult(learner, [errored(by_id[e], "nothing") for e in exercises]).save(
            folder / "results" / f"{learner}.json"
        )
    Manifest(list(exercises), learners, shard).save(folder)
    return folder


@pytest.mark.parametrize(
    ("shards", "words"),
    [
        ([("1/3", ["a"]), ("2/3", ["b"])], "The shard 3/3 is missing"),
        ([("1/2", ["a"]), ("1/2", ["b"]), ("2/2", ["c"])], "The shard 1/2 is given twice"),
        ([("1/2", ["a"]), ("2/3", ["b"])], "The shards were cut differently"),
        ([("1/2", ["a", "b"]), ("2/2", ["b"])], "b was graded in both"),
    ],
)
def test_merge_refuses_shards_that_do_not_make_one_class(tmp_path, course, shards, words):
    folders = [fake_output(tmp_path / f"s{n}", shard, learners, course) for n, (shard, learners) in enumerate(shards)]
    with pytest.raises(BatchError, match=words):
        merge(folders, tmp_path / "merged")


def test_merge_refuses_different_exercises_unfinished_shards_and_non_outputs(tmp_path, course):
    one = fake_output(tmp_path / "one", "1/2", ["a"], course)
    other = fake_output(tmp_path / "other", "2/2", ["b"], course, exercises=("02_first_route",))
    with pytest.raises(BatchError, match="the shards must grade the same exercises"):
        merge([one, other], tmp_path / "merged")
    unfinished = fake_output(tmp_path / "unfinished", "2/2", ["b", "c"], course)
    (unfinished / "results" / "c.json").unlink()
    with pytest.raises(BatchError, match="has no result for c: run that shard again"):
        merge([one, unfinished], tmp_path / "merged")
    with pytest.raises(BatchError, match="is not the output of `flask-grader batch`"):
        merge([one, tmp_path], tmp_path / "merged")
    merged = merge([one, fake_output(tmp_path / "two", "2/2", ["b"], course)], tmp_path / "merged")
    assert merged.learners == ["a", "b"] and [row["learner"] for row in gradebook(tmp_path / "merged")] == ["a", "b"]


def test_the_github_actions_example_runs_real_commands_with_consistent_shards():
    from grader.cli import main

    workflow = yaml.safe_load((ROOT / "docs" / "examples" / "grade-class.yml").read_text(encoding="utf-8"))
    shards = workflow["jobs"]["grade"]["strategy"]["matrix"]["shard"]
    commands = [
        shlex.split(step["run"].replace("${{ matrix.shard }}", "1"))
        for job in workflow["jobs"].values()
        for step in job["steps"]
        if step.get("run", "").startswith("flask-grader ")
    ]
    # doctor first: the runner says which sandbox guarantees hold before it grades
    assert [command[1] for command in commands] == ["doctor", "batch", "merge"]
    for command in commands:
        known = {opt for param in main.commands[command[1]].params for opt in param.opts + param.secondary_opts}
        assert {token for token in command[2:] if token.startswith("-")} <= known, command
    _, batch, merge_ = commands
    assert Shard.parse(batch[batch.index("--shard") + 1]).count == len(shards)
    assert merge_[2 : 2 + len(shards)] == [f"grades-{k}" for k in shards]
