"""The pytest plugin that turns a pytest session into grading.

Fixtures for checks:

* ``app``: the learner's app, freshly loaded in its own worker for this check;
* ``client``: ``app.test_client()``;
* ``main_app``: the learner's module run as ``__main__``, with ``app.run`` recorded;
* ``spawn_app``: ``spawn_app(mode="import"|"main", module_name="app")`` for more.

A check's requests may take 2 s each and 30 s together, counted in the workers' CPU time
(with a wall-clock backstop five times longer); a check marked
``@pytest.mark.time_limits(request=5, load=5, check=60)`` gets other limits.

Hooks record each check's outcome for :mod:`grader.judge`. Hypothesis runs
derandomized, without a database or deadline, so a grade never depends on the run.
"""

from __future__ import annotations

import functools
import inspect
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis.errors import Flaky

from grader.client import LearnerApp
from grader.errors import CheckFailure, CheckTimeout, SubmissionError, WorkerTimeout
from grader.exercise import CHECK_PREFIX, Exercise
from grader.judge_limits import Overrun, judge_cpu_limit
from grader.results import CheckStatus
from grader.sandbox.process import Sandbox, TimeLimits, WorkerSpec

settings.register_profile(
    "flask-grader",
    derandomize=True,
    database=None,
    deadline=None,
    print_blob=False,
    # The explain phase costs over a second per failing property and only adds
    # comments; learners get the shrunk example without it.
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.load_profile("flask-grader")


@dataclass
class Outcome:
    status: CheckStatus
    message: str = ""
    details: dict[str, str] = field(default_factory=dict)
    example: str = ""
    summary: str = ""  # the one-line verdict; the message when the failure has no parts
    reason: str = ""  # why it failed, when the expectation knows (see grader.errors.REASONS)
    hint: str = ""  # the failure's own hint, used when the exercise has none for the reason


@dataclass
class ExerciseRun:
    """One exercise of the submission being graded, and what became of its checks."""

    exercise: Exercise
    files: tuple[tuple[Path, str], ...] = ()  # copied into every worker's folder
    problem: str = ""  # found before running: nothing to grade
    load_error: SubmissionError | WorkerTimeout | None = None  # the module would not load
    collect_error: str = ""
    outcomes: dict[str, Outcome] = field(default_factory=dict)
    selectors: dict[str, str] = field(default_factory=dict)  # check name -> "path::function", to run it again
    seconds: float = 0.0  # its checks' time, setup and teardown included: a cost for scheduling, never a result


@dataclass
class JudgeState:
    sandbox: Sandbox
    runs: dict[Path, ExerciseRun]

    def run_for(self, check_file: Path) -> ExerciseRun:
        return self.runs[Path(check_file).resolve().parent]


STATE = pytest.StashKey[JudgeState]()
#: Set on an exception a property's example raised: ``(name, repr)`` of that example's arguments.
EXAMPLE_ATTRIBUTE = "_flask_grader_example"
OPENED = pytest.StashKey[list[LearnerApp]]()
OVERRUN = pytest.StashKey[Overrun]()


class StatePlugin:
    """Hands the judge's state to the session and records what each check did."""

    def __init__(self, state: JudgeState) -> None:
        self.state = state
        self.rootpath = Path.cwd()

    def pytest_configure(self, config: pytest.Config) -> None:
        config.stash[STATE] = self.state
        self.rootpath = config.rootpath

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed and report.nodeid:
            check_file = (self.rootpath / report.nodeid.split("::")[0]).resolve()
            run = self.state.runs.get(check_file.parent)
            if run is not None:
                run.collect_error = str(report.longrepr)

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_call(self, item: pytest.Item) -> Iterator[None]:
        """The judge's own CPU time in a check is bounded too (see :mod:`grader.judge_limits`)."""
        with judge_cpu_limit(time_limits(item).check) as overrun:
            try:
                return (yield)
            finally:
                if overrun.exceeded:
                    item.stash[OVERRUN] = overrun

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
        report = yield
        if isinstance(item, pytest.Function):
            record(self.state.run_for(item.path), item, call)
        return report


# ------------------------------------------------------------------- fixtures


@pytest.fixture
def spawn_app(request: pytest.FixtureRequest) -> Iterator[Callable[..., LearnerApp]]:
    """A factory of learner apps for this check; all are closed when it ends."""
    run = request.config.stash[STATE].run_for(request.path)
    sandbox = request.config.stash[STATE].sandbox
    opened = request.node.stash.setdefault(OPENED, [])
    limits = time_limits(request.node)
    sandbox.begin_check(limits, last=_last_of_its_exercise(request.node, request.config.stash[STATE]))

    def spawn(mode: str = "import", module_name: str = "app", replace: dict[str, str] | None = None) -> LearnerApp:
        """``replace`` gives files (by name in the exercise folder) other content in this
        worker only, such as a changed ``templates/base.html``; say so in the failure."""
        default = mode == "import" and module_name == "app" and not replace
        files = run.files
        if replace:
            folder = Path(tempfile.mkdtemp(prefix="flask-grader-replaced-"))
            request.addfinalizer(lambda: shutil.rmtree(folder, ignore_errors=True))
            files = replaced(run.files, replace, folder)
        if default and run.load_error is not None:
            raise run.load_error  # it failed for an earlier check: same verdict, no wait
        try:
            app = LearnerApp.load(sandbox, WorkerSpec(files, mode, module_name), limits.request)
        except (SubmissionError, WorkerTimeout) as exc:
            if default and not isinstance(exc, CheckTimeout):  # that one is this check's alone
                run.load_error = exc
            raise
        opened.append(app)
        return app

    yield spawn
    for app in opened:
        app.close()


def _last_of_its_exercise(item: pytest.Item, state: JudgeState) -> bool:
    """Whether no check of the same exercise runs after ``item`` (then no spare worker is
    made for the next check: :class:`~grader.sandbox.process.Sandbox`)."""
    items = item.session.items
    try:
        after = items[items.index(item) + 1]
    except (ValueError, IndexError):
        return True
    return state.runs.get(Path(after.path).resolve().parent) is not state.run_for(item.path)


def replaced(
    files: tuple[tuple[Path, str], ...], replace: dict[str, str], folder: Path
) -> tuple[tuple[Path, str], ...]:
    """``files`` with the ``replace`` contents, written under ``folder`` (a folder entry
    holding a replaced file is copied there first; the learner's files stay as they are)."""
    result = []
    for source, name in files:
        inside = [other for other in replace if other == name or other.startswith(name + "/")]
        if inside and source.is_dir():
            shutil.copytree(source, folder / name, symlinks=True)
        if inside:
            source = folder / name
        result.append((source, name))
    for name, content in replace.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(content, encoding="utf-8")
        if not any(name == entry or name.startswith(entry + "/") for _, entry in files):
            result.append((folder / name, name))
    return tuple(result)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "time_limits(request=2.0, load=5.0, check=30.0): seconds one request, loading the "
        "module, and the whole check may take",
    )


def time_limits(item: pytest.Item) -> TimeLimits:
    """The check's time limits: the defaults, or its ``time_limits`` marker's."""
    marker = item.get_closest_marker("time_limits")
    return TimeLimits(**marker.kwargs) if marker else TimeLimits()


@pytest.fixture
def app(spawn_app: Callable[..., LearnerApp]) -> LearnerApp:
    """The learner's app, loaded fresh for this check."""
    return spawn_app()


@pytest.fixture
def client(app: LearnerApp):
    """A test client of the learner's app (cookies kept, like Flask's)."""
    return app.test_client()


@pytest.fixture
def main_app(spawn_app: Callable[..., LearnerApp]) -> LearnerApp:
    """The learner's module run as ``python app.py``, with ``app.run`` recorded."""
    return spawn_app(mode="main")


# -------------------------------------------------------------------- outcomes


def record(run: ExerciseRun, item: pytest.Function, call: pytest.CallInfo[None]) -> None:
    """Keep the first non-passing outcome of each check (parametrized items share one)."""
    name = item.originalname[len(CHECK_PREFIX) :]
    run.selectors[name] = f"{item.path}::{item.originalname}"
    run.seconds += call.duration
    previous = run.outcomes.get(name)
    if previous is not None and previous.status != "passed":
        return
    fatal = next((app.worker.dead for app in item.stash.get(OPENED, []) if app.worker.dead), None)
    if OVERRUN in item.stash:  # whatever the check then raised, the grader's time ran out
        fatal = item.stash[OVERRUN].error()
    if fatal is not None:
        # Hypothesis's example would mislead: after the first fatal error every
        # example fails at once, so it shrinks to one that did nothing wrong.
        run.outcomes[name] = replace(classify(fatal), example="")
    elif call.excinfo is not None:
        run.outcomes[name] = classify(call.excinfo.value)
    elif call.when == "call":
        run.outcomes[name] = Outcome("passed")


def classify(exc: BaseException) -> Outcome:
    """The status and learner-facing message for an exception that ended a check."""
    while isinstance(exc, BaseExceptionGroup) and exc.exceptions:
        exc = exc.exceptions[0]
    example = failing_example(exc)
    if isinstance(exc, WorkerTimeout):
        return Outcome("timeout", str(exc), example=example)
    if isinstance(exc, SubmissionError):
        details = {"traceback": exc.learner_traceback} if exc.learner_traceback else {}
        return Outcome("error", exc.message, details, example)
    if isinstance(exc, CheckFailure):
        return Outcome(
            "failed", str(exc), exc.details(), exc.example or example, exc.summary, exc.reason, exc.hint or ""
        )
    if isinstance(exc, Flaky):
        return Outcome(
            "failed",
            "Your app answered the same requests differently on different tries: "
            "does it keep state between requests, or use randomness?",
            example=example,
        )
    if isinstance(exc, (AssertionError, pytest.fail.Exception)):
        return Outcome("failed", str(exc) or "The check's expectation was not met.", example=example)
    return Outcome(
        "error",
        f"The check itself raised {type(exc).__name__}: {exc} (a bug in the grader, not in your code).",
        example=example,
    )


def failing_example(exc: BaseException) -> str:
    """``name=value`` lines of the arguments of the property example that raised ``exc``.

    Read from the run itself (see :func:`pytest_runtest_call`), never from the wording of
    Hypothesis's notes, which changes between versions.
    """
    return "\n".join(f"{name}={value}" for name, value in getattr(exc, EXAMPLE_ATTRIBUTE, ()))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """Give each exception a property's example raises the arguments of that example.

    Hypothesis calls ``test.hypothesis.inner_test`` (the documented hook that pytest-trio
    wraps too) once per example, and replays the shrunk failing example last, so the
    exception that ends the check carries the smallest failing arguments. The arguments
    are shown before the call (a check may change a list it was given); that costs one
    ``repr`` per example, small beside the requests each example sends.
    """
    handle = getattr(getattr(item, "obj", None), "hypothesis", None)
    if handle is None:
        return (yield)
    inner = handle.inner_test
    fixtures = set(getattr(item, "fixturenames", ()))
    order = [name for name in inspect.signature(inner).parameters if name not in fixtures]

    @functools.wraps(inner)
    def recording(*args: Any, **kwargs: Any) -> Any:
        shown = [(name, repr(kwargs[name])) for name in order if name in kwargs]
        try:
            return inner(*args, **kwargs)
        except BaseException as exc:
            setattr(exc, EXAMPLE_ATTRIBUTE, shown)
            raise

    handle.inner_test = recording
    try:
        return (yield)
    finally:
        handle.inner_test = inner
