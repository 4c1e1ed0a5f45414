"""GitHub Classroom: a folder of the learners' repositories in, an autograding workflow out.

**The repositories.** GitHub Classroom names each learner's repository
``{assignment}-{login}``; ``gh classroom clone student-repos`` clones them into
``{assignment}-submissions/``. The learner is the login: the part after the assignment
prefix, which is the folder's own ``-submissions`` name when it has one, else the longest
prefix (up to a ``-``) that every repository shares. GitHub logins ignore case, so
``hw1-Frank`` and ``hw1-frank`` are one learner's two repositories (the one changed last is
graded). A repository is graded as a clone of the course: its ``exercises/`` are found.

**The workflow.** :func:`workflow` writes ``.github/workflows/classroom.yml`` as GitHub
Classroom's own autograding does: one ``classroom-resources/autograding-command-grader``
step per exercise, worth the exercise's points, running ``flask-grader check`` (which exits
0 only on full marks), then ``autograding-grading-reporter`` with every step's result.
With ``course_repository``, the checks come from that repository (checked out beside the
learner's), so a learner who edits the checks in their own copy changes nothing.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import yaml

from grader.classroom.gradebook import number
from grader.classroom.imports import Handin, learner_key
from grader.exercise import Exercise

COURSE_PATH = ".flask-grader-course"
#: Minutes one exercise may take on the runner (the command grader's unit).
TIMEOUT_MINUTES = 5


def is_repositories(path: Path) -> bool:
    """Every folder inside is a git repository (a clone)."""
    folders = [entry for entry in path.iterdir() if entry.is_dir() and not entry.name.startswith(".")]
    return bool(folders) and all((folder / ".git").exists() for folder in folders)


def assignment_prefix(path: Path, names: list[str]) -> str:
    """The ``{assignment}-`` that starts every repository name ("" when there is none)."""
    if path.name.endswith("-submissions"):
        prefix = path.name.removesuffix("-submissions") + "-"
        if all(name.startswith(prefix) for name in names):
            return prefix
    if len(names) < 2:
        return ""
    common = os.path.commonprefix(names)
    return common[: common.rfind("-") + 1]


def read_repositories(path: Path) -> tuple[list[Handin], list[str]]:
    """A hand-in per repository, the learner being the login; the entries that are none."""
    repositories = sorted(entry for entry in path.iterdir() if entry.is_dir() and (entry / ".git").exists())
    ignored = sorted(
        entry.name for entry in path.iterdir() if entry not in repositories and not entry.name.startswith(".")
    )
    prefix = assignment_prefix(path, [repository.name for repository in repositories])
    handins = []
    for repository in repositories:
        login = repository.name.removeprefix(prefix) or repository.name
        handins.append(
            Handin(
                learner_key(login.lower()), learner_id=login, name=login, folder=repository, order=_changed(repository)
            )
        )
    return handins, ignored


def _changed(repository: Path) -> tuple[int, ...]:
    """When the repository last changed: its newest file outside ``.git``."""
    times = [
        int(path.stat().st_mtime)
        for path in repository.rglob("*")
        if path.is_file() and ".git" not in path.relative_to(repository).parts
    ]
    return (max(times, default=0),)


def step_id(exercise: Exercise) -> str:
    """A step id (a letter first; letters, digits, ``_``) for the exercise's test."""
    return "exercise_" + re.sub(r"[^A-Za-z0-9_]", "_", exercise.id)


def workflow(
    exercises: list[Exercise],
    *,
    course_repository: str | None = None,
    ref: str | None = None,
    python: str = "3.12",
) -> str:
    """The autograding workflow: one test per exercise, worth its points."""
    steps: list[dict[str, object]] = [{"name": "Check out the submission", "uses": "actions/checkout@v4"}]
    if course_repository:
        checkout: dict[str, object] = {"repository": course_repository, "path": COURSE_PATH}
        if ref:
            checkout["ref"] = ref
        steps.append({"name": "Check out the course's checks", "uses": "actions/checkout@v4", "with": checkout})
    steps.append({"name": "Set up Python", "uses": "actions/setup-python@v5", "with": {"python-version": python}})
    source = f"./{COURSE_PATH}" if course_repository else "."
    steps.append({"name": "Install flask-grader", "run": f"python -m pip install --quiet {source}"})
    # With the course's checks the learner's exercises/ is graded as a submission (--root);
    # it is the learner's own code on a runner of their own, so the namespace sandbox that
    # batch grading requires is optional (GitHub's Ubuntu runners restrict it).
    command = f"flask-grader --course {COURSE_PATH} check {{}} --root exercises --allow-weak-sandbox"
    if not course_repository:
        command = "flask-grader check {}"
    for exercise in exercises:
        steps.append(
            {
                "name": f"{exercise.id}: {exercise.title}",
                "id": step_id(exercise),
                "uses": "classroom-resources/autograding-command-grader@v1",
                "with": {
                    "test-name": f"{exercise.id}: {exercise.title}",
                    "setup-command": "",
                    "command": command.format(exercise.id),
                    "timeout": TIMEOUT_MINUTES,
                    "max-score": _points(exercise),
                },
            }
        )
    steps.append(
        {
            "name": "Autograding Reporter",
            "uses": "classroom-resources/autograding-grading-reporter@v1",
            "env": {
                f"{step_id(e).upper()}_RESULTS": "${{ steps." + step_id(e) + ".outputs.result }}" for e in exercises
            },
            "with": {"runners": ",".join(step_id(exercise) for exercise in exercises)},
        }
    )
    document = {
        "name": "Autograding Tests",
        "on": ["push", "repository_dispatch", "workflow_dispatch"],
        "permissions": {"checks": "write", "actions": "read", "contents": "read"},
        "jobs": {
            "run-autograding-tests": {
                "runs-on": "ubuntu-latest",
                "if": "github.actor != 'github-classroom[bot]'",
                "steps": steps,
            }
        },
    }
    header = (
        "# GitHub Classroom autograding, written by `flask-grader export github-classroom`.\n"
        "# One test per exercise, worth its points; an exercise scores when all its checks pass.\n"
    )
    return header + yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=1000)


def _points(exercise: Exercise) -> int | float:
    value = float(number(exercise.max_score))
    return int(value) if value.is_integer() else value
