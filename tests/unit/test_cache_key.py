"""The result cache's key: every input of a result is part of it; whose results it trusts."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from grader import cache as cache_module
from grader.cache import Cache, key
from grader.course import Course
from grader.sandbox.policy import LAYERS, Layer, Policy
from tests.helpers import ROOT, solution, write_submission

SOLVED = solution("01_app_instance")
LAYERS_ALL = {name: Layer(name, active=True) for name in LAYERS}


@pytest.fixture
def own_course(tmp_path: Path) -> Course:
    """A course of its own (its checks can change), exercise 01."""
    shutil.copytree(ROOT / "exercises" / "01_app_instance", tmp_path / "course" / "exercises" / "01_app_instance")
    return Course(tmp_path / "course")


def _exercise(course: Course, name: str = "01"):
    found = course.resolve(name)
    assert found is not None
    return found


@pytest.mark.parametrize(
    "change",
    [
        "learner file",
        "learner file added to a folder",
        "checks",
        "metadata",
        "asset",
        "hidden checks",
        "hidden metadata",
        "folder name",
        "sandbox layers",
        "grader code",
        "library version",
        "python",
    ],
)
def test_every_input_of_a_result_is_part_of_its_key(change, own_course, tmp_path, monkeypatch):
    exercise_dir = own_course.exercises_dir / "01_app_instance"
    (exercise_dir / "static").mkdir()
    (exercise_dir / "static" / "style.css").write_text("p {}\n")
    meta = exercise_dir / "exercise.yaml"
    meta.write_text(meta.read_text() + "files: [app.py, templates]\nassets: [static]\n")
    hidden = tmp_path / "hidden" / "01_app_instance"
    hidden.mkdir(parents=True)
    (hidden / "checks.py").write_text('def test_secret(app):\n    """Secret."""\n')
    (hidden / "exercise.yaml").write_text("checks:\n  secret: 1\n")
    course = Course(own_course.root, tmp_path / "hidden")
    root = write_submission(
        tmp_path / "sub", {"01_app_instance/app.py": SOLVED, "01_app_instance/templates/a.html": "a"}
    )
    layers = dict(LAYERS_ALL)
    before = key(_exercise(course), root, layers)
    assert key(_exercise(course), root, dict(LAYERS_ALL)) == before  # the same inputs, the same key

    if change == "learner file":
        (root / "01_app_instance" / "app.py").write_text(SOLVED + "\n")
    elif change == "learner file added to a folder":
        (root / "01_app_instance" / "templates" / "b.html").write_text("b")
    elif change == "checks":
        (exercise_dir / "checks.py").write_text((exercise_dir / "checks.py").read_text() + "\n")
    elif change == "metadata":
        meta.write_text(meta.read_text().replace("points: 2", "points: 3"))
    elif change == "asset":
        (exercise_dir / "static" / "style.css").write_text("p { color: red }\n")
    elif change == "hidden checks":
        (hidden / "checks.py").write_text('def test_secret(app):\n    """Secret!"""\n')
    elif change == "hidden metadata":
        (hidden / "exercise.yaml").write_text("checks:\n  secret: 2\n")
    elif change == "folder name":
        (root / "01_app_instance").rename(root / "01_something")
    elif change == "sandbox layers":
        layers["mount-namespace"] = Layer("mount-namespace", active=False)
    else:
        cache_module.environment.cache_clear()
        if change == "grader code":
            monkeypatch.setattr(cache_module, "__version__", "0.0.0-other")
        elif change == "library version":
            real = cache_module._version
            monkeypatch.setattr(cache_module, "_version", lambda name: "9.9" if name == "werkzeug" else real(name))
        else:
            monkeypatch.setattr(cache_module.sys, "version", "3.99.0 (other)")
    try:
        assert key(_exercise(course), root, layers) != before
    finally:
        cache_module.environment.cache_clear()


def test_someone_elses_code_without_the_essential_layers_is_never_kept(tmp_path):
    # No layer at all: no guarantee held (one layer off may be covered by another since 1.5).
    missing = {name: Layer(name, active=False) for name in LAYERS}
    assert Cache.for_course(Course(tmp_path), own_code=True).trusts(Policy(), missing)
    assert not Cache.for_course(Course(tmp_path), own_code=False).trusts(Policy(), missing)
    assert not Cache.for_batch(tmp_path).trusts(Policy(), missing)
    assert Cache.for_batch(tmp_path).trusts(Policy(require=True), LAYERS_ALL)
    assert not Cache.for_batch(tmp_path).trusts(Policy(disable=frozenset({"uid"})), LAYERS_ALL)
