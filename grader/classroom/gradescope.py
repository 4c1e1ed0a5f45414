"""Gradescope: its ``results.json``, and the autograder zip that grades on its machines.

Gradescope's specification (gradescope/autograder_samples, ``docs/specs.md``): the zip
holds ``setup.sh`` (run once to build the image) and ``run_autograder`` (run for every
submission, in ``/autograder``, with the learner's files in ``/autograder/submission``);
it writes ``/autograder/results/results.json``. A run that writes nothing scores zero and
shows nothing, so :func:`main` writes a results file whatever happens.

Each check is a test; hidden checks get the visibility ``after_due_date`` (or ``hidden``),
so learners see neither their output nor, while any are hidden, the total.

The zip holds ``flask-grader/`` (this package and the chosen exercises), the hidden checks
(``hidden-checks/``) and ``autograder.json``, which says what to grade. On Gradescope,
``run_autograder`` runs ``python -m grader.classroom.gradescope /autograder``.
"""

from __future__ import annotations

import json
import sys
import traceback
import zipfile
from pathlib import Path
from typing import Any

from grader import report
from grader.classroom import AUTOGRADER_TIMEOUT, HIDDEN_VISIBILITY
from grader.classroom.submissions import Submission, grade_submission
from grader.course import Course
from grader.results import CheckResult, ExerciseResult, SubmissionResult
from grader.sandbox.process import PACKAGE_PARENT

CONFIG = "autograder.json"

SETUP_SH = """\
#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image.
set -euo pipefail
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 python3-venv python3-pip >/dev/null
python3 -m venv /autograder/venv
/autograder/venv/bin/pip install -q /autograder/source/flask-grader
"""

RUN_AUTOGRADER = """\
#!/usr/bin/env bash
# Gradescope runs this for every submission; it writes $ROOT/results/results.json.
# AUTOGRADER_ROOT replaces /autograder to try the autograder anywhere.
set -u
ROOT="${AUTOGRADER_ROOT:-/autograder}"
PYTHON="$ROOT/venv/bin/python"
[ -x "$PYTHON" ] || PYTHON=python3
cd "$ROOT"
PYTHONPATH="$ROOT/source/flask-grader" exec "$PYTHON" -m grader.classroom.gradescope "$ROOT"
"""


def results_json(result: SubmissionResult, hidden_visibility: str = HIDDEN_VISIBILITY) -> dict[str, Any]:
    """Gradescope's ``results.json`` for one submission: a test per check."""
    tests = []
    for exercise in result.exercises:
        for position, check in enumerate(exercise.checks, 1):
            tests.append(
                {
                    "name": f"{exercise.id} · {check.name}" + (f": {check.description}" if check.description else ""),
                    "number": f"{int(exercise.number or 0)}.{position}",
                    "score": check.points,
                    "max_score": check.max_points,
                    "status": "passed" if check.passed else "failed",
                    "output": _output(exercise, check),
                    "visibility": hidden_visibility if check.hidden else "visible",
                }
            )
    hidden = sum(check.hidden for exercise in result.exercises for check in exercise.checks)
    lines = [
        f"{exercise.id} could not be graded: {exercise.message.splitlines()[0]}"
        for exercise in result.exercises
        if exercise.status == "error" and exercise.message
    ]
    if hidden:
        when = "after the due date" if hidden_visibility == "after_due_date" else "to your instructor only"
        lines.append(f"This assignment also has {hidden} hidden checks; they count, and their results show {when}.")
    return {
        "score": result.score,
        "execution_time": round(result.duration, 3),
        "output": "\n".join(lines),
        "output_format": "text",
        "test_output_format": "text",
        "tests": tests,
    }


def _output(exercise: ExerciseResult, check: CheckResult) -> str:
    if check.passed:
        return ""
    if exercise.status == "error":
        return exercise.message
    return report.feedback(check)


def build_autograder(
    course: Course,
    exercise_ids: list[str],
    target: Path,
    *,
    hidden_visibility: str = HIDDEN_VISIBILITY,
    timeout: float = AUTOGRADER_TIMEOUT,
) -> list[str]:
    """Write the autograder zip for ``exercise_ids`` to ``target``; return its entries.

    The zip is the same for the same inputs (sorted entries, fixed timestamps).
    """
    # The grader is packed from where it is installed, not from the course: a course made
    # by `flask-grader init` holds no copy of it.
    source = Path(PACKAGE_PARENT)
    if not (source / "pyproject.toml").is_file():
        raise FileNotFoundError(f"{source / 'pyproject.toml'}: the export needs the flask-grader source tree")
    files: dict[str, Path | str] = {
        "setup.sh": SETUP_SH,
        "run_autograder": RUN_AUTOGRADER,
        CONFIG: json.dumps(
            {
                "exercises": exercise_ids,
                "hidden_checks": "hidden-checks" if course.hidden_checks else None,
                "hidden_visibility": hidden_visibility,
                "timeout": timeout,
            },
            indent=2,
        ),
        "flask-grader/pyproject.toml": source / "pyproject.toml",
        "flask-grader/README.md": source / "README.md",
    }
    files.update(_tree(source / "grader", "flask-grader/grader"))
    for exercise_id in exercise_ids:
        files.update(_tree(course.exercises_dir / exercise_id, f"flask-grader/exercises/{exercise_id}"))
        if course.hidden_checks and (course.hidden_checks / exercise_id).is_dir():
            files.update(_tree(course.hidden_checks / exercise_id, f"hidden-checks/{exercise_id}"))
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.external_attr = (0o100755 if name in ("setup.sh", "run_autograder") else 0o100644) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            content = files[name]
            archive.writestr(info, content.read_bytes() if isinstance(content, Path) else content)
    return sorted(files)


def _tree(folder: Path, prefix: str) -> dict[str, Path]:
    return {
        f"{prefix}/{path.relative_to(folder).as_posix()}": path
        for path in folder.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
    }


def main() -> int:
    """``python -m grader.classroom.gradescope ROOT``: grade ROOT/submission into ROOT/results/results.json."""
    root = Path(sys.argv[1] if len(sys.argv) > 1 else "/autograder")
    results = root / "results"
    results.mkdir(parents=True, exist_ok=True)
    try:
        config = json.loads((root / "source" / CONFIG).read_text(encoding="utf-8"))
        hidden = root / "source" / config["hidden_checks"] if config["hidden_checks"] else None
        course = Course(root / "source" / "flask-grader", hidden)
        submission = Submission("submission", root / "submission")
        result = grade_submission(course, submission, config["exercises"], timeout=config["timeout"])
        data = results_json(result, config["hidden_visibility"])
    except Exception:  # without a results.json Gradescope shows nothing at all
        print(traceback.format_exc(), file=sys.stderr)  # kept in Gradescope's stdout log for instructors
        data = {"score": 0, "output": "The autograder failed before grading; your instructor can see why.", "tests": []}
    (results / "results.json").write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
