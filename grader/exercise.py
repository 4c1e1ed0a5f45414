"""One exercise: its folder, its metadata YAML (validated on load) and its checks.

An exercise folder ``exercises/NN_slug/`` holds ``README.md``, the starter
``app.py``, ``exercise.yaml`` and ``checks.py``. The YAML::

    title: Your first route          # required
    concept: routes and view functions  # required
    order: 2                         # required, equals NN
    hints:                           # required, from a nudge to nearly the answer
      - ...
    checks:                          # optional: points (default 1) and a hint per check
      index: 2
      about: {points: 1, hint: "..."}
      crash:
        hint: "..."                  # the general hint of the check
        hints:                       # optional: hints for why it failed (grader.errors.REASONS),
          status: "..."              #   given instead of the general one
        expected_crash: "..."        # optional: the learner's code raises here on purpose
    files: [app.py]                  # optional: what the learner writes (default app.py)
    assets: [static]                 # optional: shipped files the app needs at run time
    equivalent_mutants:              # optional: mutants of the solution that no check can
      - id: keyword-drop:12:3fa9c1d2 #   catch, by the id `flask-grader audit` shows,
        reason: "..."                #   and why (the audit report shows the reason)

A check is a function ``test_NAME`` in ``checks.py``; its name is ``NAME``. A
mutant id is ``OPERATOR:LINE:HASH`` (see :mod:`grader.audit.mutants`).

An instructor's hidden checks for the exercise live in a folder of their own
(``HIDDEN/NN_slug/checks.py``, see :meth:`Exercise.with_hidden_checks`), with an
optional ``exercise.yaml`` there that holds only the ``checks`` field above.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml

from grader.errors import REASONS

FOLDER = re.compile(r"^(?P<number>\d{2})_(?P<slug>[a-z0-9_]+)$")
METADATA = "exercise.yaml"
CHECKS = "checks.py"
CHECK_PREFIX = "test_"
MUTANT_ID = re.compile(r"^[a-z][a-z0-9-]*:\d+:[0-9a-f]{8}$")


#: libyaml's parser when PyYAML was built with it: the same documents, ~10x faster, and every
#: command (and every judge) reads all the exercises' metadata first.
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class ExerciseError(Exception):
    """An exercise folder or its metadata is malformed; the message names file and field."""


@dataclass(frozen=True)
class CheckSpec:
    name: str
    points: float = 1.0
    hint: str = ""
    description: str = ""
    hidden: bool = False  # an instructor's hidden check: learners never see its code or messages
    hints: tuple[tuple[str, str], ...] = ()  # (reason, hint): for a failure of that reason
    expected_crash: str = ""  # why the code raises on purpose here (not the learner's fault)

    def hint_for(self, reason: str, fallback: str = "") -> str:
        """The hint for a failure of ``reason``: the exercise's for that reason, else
        ``fallback`` (the expectation's own advice), else the check's general hint."""
        return dict(self.hints).get(reason) or fallback or self.hint


@dataclass(frozen=True)
class EquivalentMutant:
    """A mutant of the reference solution that behaves like it as far as the contract goes."""

    id: str
    reason: str


@dataclass(frozen=True)
class Exercise:
    path: Path
    number: str
    slug: str
    title: str
    concept: str
    order: int
    hints: tuple[str, ...]
    checks: tuple[CheckSpec, ...]
    files: tuple[str, ...] = ("app.py",)
    assets: tuple[str, ...] = ()
    hidden_checks_file: Path | None = None
    equivalent_mutants: tuple[EquivalentMutant, ...] = ()

    @property
    def id(self) -> str:
        return self.path.name

    @property
    def checks_file(self) -> Path:
        return self.path / CHECKS

    @property
    def max_score(self) -> float:
        return sum(check.points for check in self.checks)

    def check(self, name: str) -> CheckSpec | None:
        return next((check for check in self.checks if check.name == name), None)

    @classmethod
    def load(cls, path: Path) -> Exercise:
        """Read and validate ``path/exercise.yaml`` against ``path/checks.py``."""
        match = FOLDER.match(path.name)
        if not match:
            raise ExerciseError(f"{path}: an exercise folder is named NN_slug, like 02_first_route")
        meta_path = path / METADATA
        data = _read_yaml(meta_path)
        field = _Fields(meta_path, data)
        order = field.integer("order")
        if order != int(match["number"]):
            raise ExerciseError(f"{meta_path}: field `order` is {order}, but the folder is numbered {match['number']}")
        checks = _read_checks(path / CHECKS, field)
        for name in (*field.string_list("files", default=["app.py"]), *field.string_list("assets", default=[])):
            if Path(name).is_absolute() or ".." in Path(name).parts:
                raise ExerciseError(f"{meta_path}: `{name}` must be a path inside the exercise folder")
        for asset in field.string_list("assets", default=[]):
            if not (path / asset).exists():
                raise ExerciseError(f"{meta_path}: field `assets` names {asset}, which is not in {path}")
        return cls(
            path=path,
            number=match["number"],
            slug=match["slug"],
            title=field.string("title"),
            concept=field.string("concept"),
            order=order,
            hints=tuple(field.string_list("hints", min_items=1)),
            checks=checks,
            files=tuple(field.string_list("files", default=["app.py"])),
            assets=tuple(field.string_list("assets", default=[])),
            equivalent_mutants=field.equivalent_mutants(),
        )

    def with_hidden_checks(self, folder: Path) -> Exercise:
        """This exercise with an instructor's hidden checks from ``folder`` added after its own.

        ``folder`` holds ``checks.py`` and, optionally, an ``exercise.yaml`` with only
        the ``checks`` field. A hidden check may not share a name with a visible one:
        names identify checks in gradebooks and exports.
        """
        meta_path = folder / METADATA
        data = _read_yaml(meta_path) if meta_path.exists() else {}
        hidden = _read_checks(folder / CHECKS, _Fields(meta_path, data, allowed={"checks"}), hidden=True)
        clash = next((check.name for check in hidden if self.check(check.name)), None)
        if clash is not None:
            raise ExerciseError(
                f"{folder / CHECKS}: the hidden check `{clash}` has the name of a check of "
                f"{self.id}; give it another name"
            )
        return replace(self, checks=self.checks + hidden, hidden_checks_file=folder / CHECKS)


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ExerciseError(f"{path}: missing (every exercise needs its metadata file)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ExerciseError(f"{path}: cannot be read: {exc}") from None
    try:
        data = yaml.load(text, Loader=YAML_LOADER)
    except yaml.YAMLError as exc:
        raise ExerciseError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise ExerciseError(f"{path}: must be a mapping of fields (title, concept, order, hints, ...)")
    return data


def _read_checks(checks_file: Path, field: _Fields, *, hidden: bool = False) -> tuple[CheckSpec, ...]:
    """The checks declared in ``checks_file``, with points and hints from the metadata."""
    declared = _check_functions(checks_file)
    checks = tuple(
        CheckSpec(name, description=doc, hidden=hidden, **field.check(name)) for name, doc in declared.items()
    )
    for name in field.optional_mapping("checks"):
        if name not in declared:
            known = ", ".join(declared) or "none"
            raise ExerciseError(
                f"{field.path}: field `checks.{name}` names no check in {checks_file.name} "
                f"(a check is a function test_{name}; its checks are: {known})"
            )
    return checks


def _check_functions(path: Path) -> dict[str, str]:
    """Check names declared in ``checks.py``, in file order, with their docstrings' first line."""
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    except FileNotFoundError:
        raise ExerciseError(f"{path}: missing (every exercise needs its checks)") from None
    except SyntaxError as exc:
        raise ExerciseError(f"{path}: syntax error at line {exc.lineno}: {exc.msg}") from None
    checks = {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith(CHECK_PREFIX):
            doc = (ast.get_docstring(node) or "").strip().splitlines()
            checks[node.name[len(CHECK_PREFIX) :]] = doc[0] if doc else ""
    if not checks:
        raise ExerciseError(f"{path}: defines no check (a function named test_...)")
    return checks


class _Fields:
    """Typed access to the metadata's fields, with errors naming file and field."""

    FIELDS = frozenset({"title", "concept", "order", "hints", "checks", "files", "assets", "equivalent_mutants"})

    def __init__(self, path: Path, data: dict[str, Any], allowed: frozenset[str] | set[str] = FIELDS) -> None:
        self.path = path
        self.data = data
        unknown = set(data) - allowed
        if unknown:
            raise ExerciseError(f"{path}: unknown field `{sorted(unknown)[0]}` (allowed: {', '.join(sorted(allowed))})")

    def _error(self, field: str, problem: str) -> ExerciseError:
        return ExerciseError(f"{self.path}: field `{field}` {problem}")

    def _required(self, field: str) -> Any:
        if field not in self.data or self.data[field] is None:
            raise self._error(field, "is missing")
        return self.data[field]

    def string(self, field: str) -> str:
        value = self._required(field)
        if not isinstance(value, str) or not value.strip():
            raise self._error(field, "must be a non-empty string")
        return value.strip()

    def integer(self, field: str) -> int:
        value = self._required(field)
        if not isinstance(value, int) or isinstance(value, bool):
            raise self._error(field, f"must be a whole number, got {value!r}")
        return value

    def string_list(self, field: str, *, default: list[str] | None = None, min_items: int = 0) -> list[str]:
        value = self.data.get(field, default) if default is not None else self._required(field)
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise self._error(field, "must be a list of non-empty strings")
        if len(value) < min_items:
            raise self._error(field, f"needs at least {min_items} item(s)")
        return [v.strip() for v in value]

    def optional_mapping(self, field: str) -> dict[str, Any]:
        value = self.data.get(field) or {}
        if not isinstance(value, dict):
            raise self._error(field, "must be a mapping of check name to points or {points, hint}")
        return value

    def check(self, name: str) -> dict[str, Any]:
        """Points, hints and expected crash of check ``name`` (1 point and no hint unless
        the YAML says), as CheckSpec's keyword arguments."""
        entry = self.optional_mapping("checks").get(name, 1)
        where = f"checks.{name}"
        keys = {"points", "hint", "hints", "expected_crash"}
        if isinstance(entry, dict):
            unknown = set(entry) - keys
            if unknown:
                raise self._error(where, f"has an unknown key `{sorted(unknown)[0]}` (use {', '.join(sorted(keys))})")
            points, hint = entry.get("points", 1), entry.get("hint", "")
        else:
            entry, points, hint = {}, entry, ""
        hints = entry.get("hints") or {}
        if not isinstance(hints, dict) or not all(isinstance(v, str) and v.strip() for v in hints.values()):
            raise self._error(f"{where}.hints", "must map a reason to a hint (a non-empty string)")
        unknown_reason = next((reason for reason in hints if reason not in REASONS), None)
        if unknown_reason is not None:
            raise self._error(f"{where}.hints", f"names no reason `{unknown_reason}` (reasons: {', '.join(REASONS)})")
        crash = entry.get("expected_crash", "")
        if not isinstance(crash, str):
            raise self._error(f"{where}.expected_crash", "must say, as a string, what raises on purpose and why")
        if isinstance(points, bool) or not isinstance(points, (int, float)):
            raise self._error(where, f"points must be a number, got {points!r}")
        if points <= 0:
            raise self._error(where, f"points must be positive, got {points!r} (a check worth nothing teaches nothing)")
        if not isinstance(hint, str):
            raise self._error(where, "hint must be a string")
        return {
            "points": float(points),
            "hint": hint.strip(),
            "hints": tuple((reason, text.strip()) for reason, text in hints.items()),
            "expected_crash": crash.strip(),
        }

    def equivalent_mutants(self) -> tuple[EquivalentMutant, ...]:
        """The ``equivalent_mutants`` list: each an ``{id, reason}`` mapping, ids unique."""
        value = self.data.get("equivalent_mutants") or []
        if not isinstance(value, list):
            raise self._error("equivalent_mutants", "must be a list of {id, reason} mappings")
        marks: dict[str, EquivalentMutant] = {}
        for number, entry in enumerate(value, 1):
            where = f"equivalent_mutants[{number}]"
            if not isinstance(entry, dict) or set(entry) != {"id", "reason"}:
                raise self._error(where, "must be a mapping with exactly the keys id and reason")
            mutant_id, reason = entry["id"], entry["reason"]
            if not isinstance(mutant_id, str) or not MUTANT_ID.match(mutant_id.strip()):
                raise self._error(
                    where, f"id must look like OPERATOR:LINE:HASH (as the audit shows it), got {mutant_id!r}"
                )
            if not isinstance(reason, str) or not reason.strip():
                raise self._error(where, "reason must say why no check can tell this mutant from the solution")
            if mutant_id.strip() in marks:
                raise self._error(where, f"marks {mutant_id.strip()} a second time")
            marks[mutant_id.strip()] = EquivalentMutant(mutant_id.strip(), reason.strip())
        return tuple(marks.values())
