"""``flask-grader init DIR`` and ``flask-grader new NN_slug``: a course folder, and an
exercise in it that already grades (README with a contract, starter, metadata, checks
with one example check and one property, and the reference solution).

What the author still has to write is marked :data:`TODO` in the README and the
metadata; ``flask-grader validate`` refuses an exercise that still has the mark.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from grader import __version__
from grader.course import Course
from grader.exercise import FOLDER, METADATA

#: What the author must still replace; validate fails while it is there.
TODO = "TODO(author)"


class ScaffoldError(Exception):
    """The course or exercise cannot be made: the message says why, and what to do."""


@dataclass(frozen=True)
class Scaffolded:
    """The files written, relative to the course folder."""

    root: Path
    files: tuple[Path, ...]


def init_course(folder: Path, title: str = "") -> Scaffolded:
    """Make a course folder: ``exercises/``, ``solutions/``, a README for its learners,
    a ``requirements.txt`` pinning this flask-grader, and a ``.gitignore``."""
    if folder.exists() and any(folder.iterdir()):
        raise ScaffoldError(f"{folder}: not empty; init makes a new course in an empty or new folder")
    name = title or folder.resolve().name.replace("-", " ").replace("_", " ").strip().capitalize() or "Flask course"
    files = {
        Path("README.md"): LEARNER_README.format(title=name),
        Path("requirements.txt"): f"flask-grader=={__version__}\n",
        Path(".gitignore"): ".flask-grader/\n__pycache__/\n",
        Path("exercises/.gitkeep"): "",
        Path("solutions/.gitkeep"): "",
    }
    return _write(folder, files)


def new_exercise(course: Course, name: str, title: str, concept: str) -> Scaffolded:
    """Make ``exercises/NN_slug/`` and ``solutions/NN_slug/app.py`` in ``course``."""
    match = FOLDER.match(name)
    if not match:
        raise ScaffoldError(
            f"{name!r} is not an exercise name: two digits, an underscore and a slug of "
            "lowercase letters, digits and underscores, like 17_blueprints"
        )
    number, slug = match["number"], match["slug"]
    if number == "00":
        raise ScaffoldError("exercise numbers start at 01")
    for folder in (course.exercises_dir, course.solutions_dir):
        for taken in sorted(folder.iterdir()) if folder.is_dir() else []:
            other = FOLDER.match(taken.name)
            if other and other["number"] == number:
                raise ScaffoldError(f"{taken}: number {number} is taken; pick another number")
            if other and other["slug"] == slug:
                raise ScaffoldError(f"{taken}: the slug {slug} is taken; pick another slug")
    for label, text in (("title", title), ("concept", concept)):
        if not text.strip() or "\n" in text:
            raise ScaffoldError(f"the {label} is one line of text, not empty")
    values = {"number": number, "order": int(number), "title": title.strip(), "concept": concept.strip()}
    exercise = Path("exercises") / name
    files = {
        exercise / "README.md": README.format(**values, todo=TODO),
        exercise / "app.py": STARTER.format(**values),
        exercise / METADATA: METADATA_YAML.format(
            **values, title_yaml=_yaml(title), concept_yaml=_yaml(concept), todo=TODO
        ),
        exercise / "checks.py": CHECKS.format(**values),
        Path("solutions") / name / "app.py": SOLUTION.format(**values),
    }
    return _write(course.root, files)


def _write(root: Path, files: dict[Path, str]) -> Scaffolded:
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return Scaffolded(root, tuple(files))


def _yaml(text: str) -> str:
    """``text`` as a double-quoted YAML scalar."""
    return '"' + re.sub(r'(["\\])', r"\\\1", text.strip()) + '"'


LEARNER_README = """\
# {title}

Learn Flask by doing: each folder of `exercises/` teaches one concept. Read its
`README.md`, edit its `app.py`, and the grader tells you what works and what does not.

```bash
python3 -m pip install -r requirements.txt   # the grader this course was written for
flask-grader                                  # your progress, and what to do next
flask-grader watch                            # checks the exercise every time you save
flask-grader hint                             # a hint, a stronger one each time
```

Your progress lives in `.flask-grader/` (ignored by git); delete it to start over.
"""

README = """\
# {number} · {title}

{todo}: explain {concept} here, with a short example, the way you would at a whiteboard.

## Your task

In `app.py`:

- `GET /` answers **200** with exactly `Hello`;
- `GET /echo/TEXT` answers **200** with `TEXT`, HTML-escaped (`<b>` arrives as `&lt;b&gt;`);
  `TEXT` is one path segment: `GET /echo/a/b` answers **404**.

Then run `flask-grader check {number}`.
"""

STARTER = '''\
"""Exercise {number}: {title}. Read README.md first."""

from flask import Flask

app = Flask(__name__)

# TODO: GET / answers Hello.

# TODO: GET /echo/TEXT answers TEXT, HTML-escaped.
'''

SOLUTION = '''\
"""Exercise {number}: {title} (the reference solution)."""

from flask import Flask
from markupsafe import escape

app = Flask(__name__)


@app.route("/")
def index():
    return "Hello"


@app.route("/echo/<text>")
def echo(text):
    return escape(text)
'''

METADATA_YAML = """\
title: {title_yaml}
concept: {concept_yaml}
order: {order}
hints:
  - "{todo}: a nudge: where to look in the README."
  - "{todo}: nearly the answer."
checks:
  index:
    points: 1
    hint: "Decorate a function with @app.route(\\"/\\") that returns \\"Hello\\"."
  echo:
    points: 2
    hint: "Add a route /echo/<text> and return escape(text) (from markupsafe import escape)."
"""

CHECKS = '''\
"""Checks for exercise {number}: {title}.

A check is a function test_NAME; its docstring is what learners read next to its
name. docs/authoring.md shows the whole check API.
"""

from hypothesis import given

from grader import expect
from grader.strategies import html_text, url_quote


def test_index(client):
    """GET / answers 200 with exactly Hello."""
    expect(client.get("/")).status(200).body("Hello")


@given(text=html_text())
def test_echo(client, text):
    """GET /echo/TEXT answers TEXT, HTML-escaped, for any one-segment text; /echo/TEXT/more answers 404."""
    expect(client.get("/echo/" + url_quote(text))).status(200).escaped(text)
    expect(client.get("/echo/" + url_quote(text) + "/more")).status(404)
'''
