"""Results as text: a line per check, and feedback that teaches for each check that did not pass.

Feedback for a failed check shows, from the check's ``details``: the request sent,
expected against actual, the smallest failing example, the learner's traceback,
what the app printed, how to send the request again by hand, and the hint.
Long parts are cut with a visible marker (:func:`grader.display.cut_lines`).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from grader.display import cut_lines
from grader.results import CheckResult, ExerciseResult, SubmissionResult
from grader.style import PLAIN, Style, inert
from grader.workspace import shown

LABEL_WIDTH = 11


def render(result: SubmissionResult, style: Style = PLAIN) -> str:
    blocks = [render_exercise(exercise, style, root=result.submission) for exercise in result.exercises]
    blocks.append(f"Total: {result.score:g}/{result.max_score:g}")
    return "\n\n".join(blocks) + "\n"


def render_exercise(
    exercise: ExerciseResult,
    style: Style = PLAIN,
    *,
    root: str | None = None,
    all_feedback: bool = True,
) -> str:
    """The exercise's checks, one line each, with feedback under the failures.

    ``all_feedback=False`` gives feedback for the first failure only (watch mode).
    ``root`` is the submission folder, used to name the app in ``flask --app``.
    """
    title = f"{exercise.id} · {exercise.title}" if exercise.title else exercise.id
    score = style.paint(
        f"{exercise.score:g}/{exercise.max_score:g}", fg="green" if exercise.passed else "yellow", bold=True
    )
    lines = [f"{style.label(title)}  {score}"]
    if exercise.status == "error":
        lines.append(_indent(cut_lines(inert(exercise.message)), 2))
        return "\n".join(lines)
    app_path = shown(Path(root) / exercise.id / "app.py") if root else None
    visible = [check for check in exercise.checks if not check.hidden]
    width = max((len(check.name) for check in visible), default=0)
    explained = False
    for check in visible:
        points = f"{check.points:g}/{check.max_points:g}"
        lines.append(f"  {style.status(check.status)} {check.name:{width}}  {points:>5}  {check.description}")
        if not check.passed and (all_feedback or not explained):
            lines.append(_indent(feedback(check, style, app_path=app_path), 6))
            explained = True
    hidden = hidden_summary(exercise)
    if hidden:
        lines.append(f"  {hidden}")
    return "\n".join(lines)


def hidden_summary(exercise: ExerciseResult) -> str:
    """``"3 hidden checks, 2 passed"``: all a learner reads about hidden checks ("" when none)."""
    hidden = [check for check in exercise.checks if check.hidden]
    if not hidden:
        return ""
    noun = "check" if len(hidden) == 1 else "checks"
    return f"{len(hidden)} hidden {noun}, {sum(check.passed for check in hidden)} passed"


def feedback(check: CheckResult, style: Style = PLAIN, *, app_path: str | None = None) -> str:
    """What a learner reads about a check that did not pass."""
    if check.hidden:
        return "This check is hidden: its details are not shown."
    check = inert_check(check)
    details = check.details
    lines = [style.paint(summary(check), bold=True)]
    for label, text in (
        ("Request", details.get("request")),
        ("Expected", details.get("expected")),
        ("Actual", _actual(details)),
    ):
        if text:
            lines.append(_field(style, label, text))
    if check.example:
        lines.append(
            _field(
                style, "Fails for", example_in_words(check.example) + " (the smallest failing input Hypothesis found)"
            )
        )
    if details.get("traceback"):
        if details.get("expected_crash"):
            lines.append(_field(style, "Note", details["expected_crash"]))
            lines.append(style.label("It raised, as the exercise asks:"))
        else:
            lines.append(style.label("Your code raised:"))
        lines.append(_indent(cut_lines(details["traceback"]), 2))
    if details.get("output"):
        lines.append(style.label("Your app printed:"))
        lines.append(_indent(cut_lines(details["output"]), 2))
    if details.get("reproduce"):
        served = f"(while `flask --app {app_path or 'app.py'} run` serves your app in another terminal)"
        lines.append(_field(style, "Try it", f"{details['reproduce']}\n{style.dim(served)}"))
    if check.hint:
        lines.append(_field(style, "Hint", check.hint))
    return "\n".join(lines)


def inert_check(check: CheckResult) -> CheckResult:
    """``check`` with the text that may come from learner code made inert on a
    terminal (:func:`grader.style.inert`); the grader's own colours are added after."""
    return replace(
        check,
        message=inert(check.message),
        example=inert(check.example),
        details={key: inert(value) if isinstance(value, str) else value for key, value in check.details.items()},
    )


def summary(check: CheckResult) -> str:
    """The one-line verdict (results before schema 1.3 have none: their message's first line)."""
    return check.summary or check.message.partition("\n")[0] or check.status


def example_in_words(example: str) -> str:
    """``item_id=0`` lines as ``item_id = 0, name = 'a'``."""
    parts = []
    for line in example.splitlines():
        name, sep, value = line.partition("=")
        parts.append(f"{name.strip()} = {value.strip()}" if sep else line.strip())
    return cut_lines(", ".join(parts), limit=1)


def _actual(details: dict[str, str]) -> str | None:
    """The actual response, with Flask's standard error page named, not shown (the judge
    says which page in ``standard_page``): what it means says more than its HTML."""
    actual = details.get("actual")
    page = details.get("standard_page")
    if not actual or not page:
        return actual
    code, _, name = page.partition(" ")
    raised = "on purpose" if details.get("expected_crash") else "yes" if details.get("traceback") else ""
    meaning = {
        "404": " (no route matches this URL)",
        "405": " (the route exists, but not for this method)",
        "500": {
            "yes": ", because your code raised an exception (below)",
            "on purpose": ": the exception below was raised on purpose, and no 500 handler answered it",
        }.get(raised, ""),
    }.get(code, "")
    named = f"body: Flask's standard {name} page{meaning}"
    return "\n".join(named if line.startswith("body ") else line for line in actual.splitlines())


def _field(style: Style, label: str, text: str) -> str:
    """``Label:   text``, with the text's further lines aligned under its first."""
    first, *rest = text.splitlines() or [""]
    return "\n".join(
        [style.label(f"{label + ':':{LABEL_WIDTH}}") + first, *(" " * LABEL_WIDTH + line for line in rest)]
    )


def _indent(text: str, width: int) -> str:
    pad = " " * width
    return "\n".join(pad + line if line else line for line in text.splitlines())
