"""Results as text for a terminal: a line per check, full feedback for the failures."""

from __future__ import annotations

from grader.results import CheckResult, ExerciseResult, SubmissionResult

SYMBOLS = {"passed": "✓", "failed": "✗", "error": "!", "timeout": "⏱"}


def render(result: SubmissionResult) -> str:
    blocks = [render_exercise(exercise) for exercise in result.exercises]
    blocks.append(f"Total: {result.score:g}/{result.max_score:g}")
    return "\n\n".join(blocks) + "\n"


def render_exercise(exercise: ExerciseResult) -> str:
    title = f"{exercise.id} · {exercise.title}" if exercise.title else exercise.id
    lines = [f"{title}  {exercise.score:g}/{exercise.max_score:g}"]
    if exercise.status == "error":
        lines.append(_indent(exercise.message, 2))
        return "\n".join(lines)
    visible = [check for check in exercise.checks if not check.hidden]
    width = max((len(check.name) for check in visible), default=0)
    for check in visible:
        lines.append(f"  {SYMBOLS[check.status]} {check.name:{width}}  {check.description}")
        if not check.passed:
            lines.append(_indent(feedback(check), 6))
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


def feedback(check: CheckResult) -> str:
    """What a learner reads about a check that did not pass."""
    parts = [check.message or check.status]
    if check.example:
        parts.append("smallest failing example:\n" + _indent(check.example, 2))
    output = check.details.get("output")
    if output:
        parts.append("your app printed:\n" + _indent(output, 2))
    if check.hint:
        parts.append(f"hint: {check.hint}")
    return "\n".join(parts)


def _indent(text: str, width: int) -> str:
    pad = " " * width
    return "\n".join(pad + line if line else line for line in text.splitlines())
