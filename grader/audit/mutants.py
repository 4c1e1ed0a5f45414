"""Mutants: wrong versions of a reference solution, one mistake each.

:func:`make_mutants` applies every operator of :mod:`grader.audit.operators` wherever it fits
in an exercise's solution files (Python modules and templates) and returns one
:class:`Mutant` per distinct mutated file.

A Python mutant is the solution's text with only the changed statement, decorator or
condition replaced by its ``ast.unparse``, so its diff against the solution is a line
or two; the mutant is parsed back and must give exactly the mutated tree (if splicing
ever fails, the whole module is unparsed instead). A mutant's id,
``OPERATOR:LINE:HASH``, depends only on what it changes, so it stays the same from run
to run and can be marked equivalent in ``exercise.yaml``.
"""

from __future__ import annotations

import ast
import copy
import difflib
import hashlib
from dataclasses import dataclass
from pathlib import Path

from grader.audit.operators import MUST_KILL, OPERATORS, Change, python_changes, template_changes

TEMPLATE_SUFFIXES = (".html", ".htm", ".jinja", ".jinja2", ".j2", ".xml", ".txt")


@dataclass(frozen=True)
class Mutant:
    exercise: str
    file: str  # inside the exercise folder: app.py, templates/hello.html
    operator: str
    line: int  # where the change starts, in the solution's file
    description: str
    source: str  # the whole mutated file
    diff: str  # unified diff against the solution's file, without context lines

    @property
    def id(self) -> str:
        changed = [line for line in self.diff.splitlines() if line[:1] in "+-" and line[:3] not in ("+++", "---")]
        digest = hashlib.sha1("\n".join([self.file, *changed]).encode("utf-8")).hexdigest()[:8]
        return f"{self.operator}:{self.line}:{digest}"

    @property
    def category(self) -> str:
        return OPERATORS[self.operator][0]

    @property
    def must_kill(self) -> bool:
        return self.category in MUST_KILL


def make_mutants(exercise: str, folder: Path, files: tuple[str, ...]) -> list[Mutant]:
    """The mutants of the solution in ``folder`` (the exercise's learner ``files``), by file and line."""
    mutants: dict[tuple[str, str], Mutant] = {}
    for name in files:
        path = folder / name
        paths = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in paths:
            if file.suffix != ".py" and file.suffix not in TEMPLATE_SUFFIXES:
                continue  # images, data: not what learners get wrong
            relative = file.relative_to(folder).as_posix()
            text = file.read_text(encoding="utf-8")
            if file.suffix == ".py":
                made = python_mutants(exercise, relative, text)
            else:
                made = [
                    _mutant(exercise, relative, change.operator, change.line, change.description, text, change.text)
                    for change in template_changes(text)
                ]
            for mutant in made:
                # Two operators can make the same file (path -> string is dropping path): keep the first.
                if mutant.source != text:
                    mutants.setdefault((relative, mutant.source), mutant)
    return sorted(mutants.values(), key=lambda m: (m.file, m.line, m.operator, m.id))


def python_mutants(exercise: str, file: str, source: str) -> list[Mutant]:
    tree = ast.parse(source)
    module = _Module(source, tree, _parents(tree), {id(node): i for i, node in enumerate(ast.walk(tree))})
    return [
        _mutant(exercise, file, change.operator, change.line, change.description, *_mutate(module, change))
        for change in python_changes(tree)
    ]


def _mutant(exercise: str, file: str, operator: str, line: int, description: str, before: str, after: str) -> Mutant:
    diff = "".join(
        difflib.unified_diff(
            before.splitlines(keepends=True), after.splitlines(keepends=True), f"a/{file}", f"b/{file}", n=0
        )
    )
    return Mutant(exercise, file, operator, line, description, after, diff)


@dataclass(frozen=True)
class _Module:
    source: str
    tree: ast.Module
    parents: dict[int, ast.AST]  # by id() of the child
    index: dict[int, int]  # id() of a node -> its place in ast.walk order


def _mutate(module: _Module, change: Change) -> tuple[str, str]:
    """``(solution text, mutant text)``: the solution's own text with the changed parts spliced in."""
    mutated = ast.parse(module.source)  # a fresh copy, node for node in the same walk order
    copies = list(ast.walk(mutated))

    def copy_of(node: ast.AST) -> ast.AST:
        return copies[module.index[id(node)]]

    for node, replacement in change.edits:
        _replace(copy_of(module.parents[id(node)]), copy_of(node), copy.deepcopy(replacement))
    # Each edit rewrites its unit: the statement, decorator or condition that holds it.
    units: dict[int, tuple[ast.AST, str | None]] = {}
    for node, replacement in change.edits:
        unit = _unit(node, module.parents)
        if unit is None:
            return _unparsed(module.tree, mutated)
        units[id(unit)] = (unit, _render(replacement if unit is node else copy_of(unit)))
    ordered = sorted(units.values(), key=lambda u: _position(u[0]), reverse=True)
    # ast.unparse quotes strings with ' ; keep the solution's " where that gives the same tree.
    for texts in ([_requote(text) for _, text in ordered], [text for _, text in ordered]):
        spliced = _splice(module.source, [(unit, text) for (unit, _), text in zip(ordered, texts, strict=True)])
        if spliced is not None and _same_tree(spliced, mutated):
            return module.source, spliced
    return _unparsed(module.tree, mutated)


def _parents(tree: ast.AST) -> dict[int, ast.AST]:
    return {id(child): node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}


def _replace(parent: ast.AST, node: ast.AST, replacement: ast.AST | list | None) -> None:
    for field, value in ast.iter_fields(parent):
        if value is node:
            setattr(parent, field, replacement)
        elif isinstance(value, list) and any(item is node for item in value):
            index = next(i for i, item in enumerate(value) if item is node)
            value[index : index + 1] = (
                [] if replacement is None else (replacement if isinstance(replacement, list) else [replacement])
            )


def _is_compound(node: ast.AST) -> bool:
    return isinstance(node, ast.stmt) and "body" in node._fields


def _unit(node: ast.AST, parents: dict[int, ast.AST]) -> ast.AST | None:
    """What to re-render for a change at ``node``: the simple statement holding it, or the
    decorator or header expression (``if`` test, ``for`` iterable) of a compound statement,
    or the compound statement itself when it is what changes. None: re-render the module."""
    current: ast.AST | None = node
    while current is not None:
        parent = parents.get(id(current))
        if isinstance(current, ast.stmt) and (current is node or not _is_compound(current)):
            return current
        if isinstance(current, ast.expr) and parent is not None and _is_compound(parent):
            return current
        if _is_compound(current):
            return None
        current = parent
    return None


def _render(node: ast.AST | list | None) -> str | None:
    if node is None:
        return None
    if isinstance(node, list):
        return "\n".join(ast.unparse(stmt) for stmt in node)
    if isinstance(node, ast.Return) and isinstance(node.value, ast.Tuple) and node.value.elts:
        return "return " + ", ".join(ast.unparse(element) for element in node.value.elts)  # no parentheses
    return ast.unparse(node)


def _requote(text: str | None) -> str | None:
    return text if text is None or '"' in text else text.replace("'", '"')


def _position(node: ast.AST) -> tuple[int, int]:
    return node.lineno, node.col_offset  # type: ignore[attr-defined]


def _splice(source: str, units: list[tuple[ast.AST, str | None]]) -> str | None:
    """``source`` with each unit's span (last first) replaced by its text; None deletes a
    decorator line. None when a span shares its lines in a way that cannot be spliced."""
    lines = source.encode("utf-8").splitlines(keepends=True)
    for unit, text in units:
        first, last = unit.lineno - 1, unit.end_lineno - 1  # type: ignore[attr-defined]
        head = lines[first][: unit.col_offset]  # type: ignore[attr-defined]  # offsets count UTF-8 bytes
        tail = lines[last][unit.end_col_offset :]  # type: ignore[attr-defined]
        if text is None:  # a decorator deleted, with its @ and its line(s)
            if head.strip() != b"@" or tail.strip()[:1] not in (b"", b"#"):
                return None
            lines[first : last + 1] = []
            continue
        indent = head if not head.strip() else None
        if "\n" in text and indent is None:
            return None
        body = text.replace("\n", "\n" + (indent or b"").decode("utf-8"))
        lines[first : last + 1] = [head + body.encode("utf-8") + tail]
    return b"".join(lines).decode("utf-8")


def _same_tree(source: str, tree: ast.Module) -> bool:
    try:
        return ast.dump(ast.parse(source)) == ast.dump(tree)
    except SyntaxError:
        return False


def _unparsed(tree: ast.Module, mutated: ast.Module) -> tuple[str, str]:
    """The fallback: both modules unparsed, so that the diff still shows only the change."""
    return ast.unparse(tree) + "\n", ast.unparse(mutated) + "\n"
