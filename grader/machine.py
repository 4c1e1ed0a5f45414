"""State-machine checks: random stories of requests to a fresh app, each answer compared
with a model that the check keeps (Hypothesis's rule-based state machines, for Flask apps).

    from hypothesis.stateful import rule
    from grader import ModelMachine, expect

    class CounterMachine(ModelMachine):
        def __init__(self):
            super().__init__()
            self.count = 0  # the model

        @rule()
        def visit(self):
            self.count += 1
            expect(self.send("GET", "/visit")).status(200).body(f"Visits: {self.count}")

    def test_model(spawn_app):
        \"\"\"Any number of visits counts them all.\"\"\"
        CounterMachine.check(spawn_app)

Every run gets a fresh app, so a failure's story starts from nothing and the learner
can replay it: the failure shows every request of the run (the client keeps the
story), a ``curl`` line per step to replay it against a fresh ``flask run``, and what
the app printed. The story is shrunk to the shortest that fails, with readable
values where the strategies allow.

Shrinking costs a fresh app (a worker process) per attempt, and Hypothesis may try
hundreds. Measured on 16's model check (2 busy cores, forked workers), a run costs
0.1 to 0.15 s; unbounded, shrinking took 96 runs (ids from ``len``) and 78 runs
(DELETE answering 200), about 10 s each, and the story was already at its shortest
(three and two steps) within the first 40. So shrinking is bounded by
:attr:`ModelMachine.SHRINK_RUNS` attempts (40: about 5 s): past it the shortest failing
story found so far is reported. A count, not a time, so the grade and the story are
the same on every machine.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from hypothesis import Phase, settings
from hypothesis.control import current_build_context
from hypothesis.stateful import RuleBasedStateMachine, run_state_machine_as_test

from grader.client import Client, LearnerApp, Response
from grader.errors import CheckFailure, SubmissionError, WorkerTimeout
from grader.reproduce import COOKIE_JAR, curl


@dataclass
class _Run:
    """One state-machine check: the factory of apps, and what its runs have seen so far."""

    spawn_app: Callable[..., LearnerApp]
    fatal: list[BaseException] = field(default_factory=list)  # the app hung or died: no more runs
    failed: bool = False  # a run has failed: the runs now are shrinking it
    shrink_runs: int = 0
    shortest: CheckFailure | None = None  # the failure with the shortest story so far
    shortest_steps: int = 0
    spent: bool = False  # shrinking was stopped


class _ShrinkingSpent(BaseException):
    """Ends the check once shrinking has had its runs. Hypothesis takes it for a run that
    drew differently (a flaky strategy) and gives up; :meth:`ModelMachine.check` then
    reports the shortest failure it kept."""


_ACTIVE: list[_Run] = []  # the check running now (the judge runs one check at a time)


class ModelMachine(RuleBasedStateMachine):
    """A state machine against a fresh learner app per run; subclasses add the model and rules.

    ``self.app`` is the app, ``self.client`` its test client, and :meth:`send` a request
    through it. Run it with :meth:`check` from a check that takes ``spawn_app``.
    """

    #: Runs of the machine while no failure is found, and steps (requests) per run.
    MAX_EXAMPLES: ClassVar[int] = 15
    STEPS: ClassVar[int] = 20
    #: Runs spent shrinking a failing story, at most (see the module's docstring).
    SHRINK_RUNS: ClassVar[int] = 40

    def __init__(self) -> None:
        super().__init__()
        if not _ACTIVE:
            raise RuntimeError(f"run {type(self).__name__} with {type(self).__name__}.check(spawn_app)")
        self._run = run = _ACTIVE[-1]
        if run.fatal:  # the app hung or died in an earlier run: the verdict stands, no retries
            raise run.fatal[0]
        if run.failed and not current_build_context().is_final:
            run.shrink_runs += 1
            if run.shrink_runs > self.SHRINK_RUNS and run.shortest is not None:
                run.spent = True
                raise _ShrinkingSpent
        self.app = run.spawn_app()
        self.client: Client = self.app.test_client()

    @classmethod
    def check(
        cls, spawn_app: Callable[..., LearnerApp], *, max_examples: int | None = None, steps: int | None = None
    ) -> None:
        """Run the machine as a check: ``max_examples`` runs of up to ``steps`` requests each."""
        run = _Run(spawn_app)
        _ACTIVE.append(run)
        try:
            try:
                run_state_machine_as_test(
                    cls,
                    settings=settings(
                        max_examples=max_examples or cls.MAX_EXAMPLES,
                        stateful_step_count=steps or cls.STEPS,
                        report_multiple_bugs=False,  # one story, the shortest
                        phases=[Phase.explicit, Phase.generate, Phase.shrink],
                    ),
                )
            except BaseException:
                if not run.spent or run.shortest is None:
                    raise
                raise run.shortest from None
        finally:
            _ACTIVE.remove(run)

    def send(self, method: str, path: str, **kwargs: Any) -> Response:
        """``self.client.open(path, method, **kwargs)``; a hung or dead app ends the check."""
        try:
            return self.client.open(path, method, **kwargs)
        except (SubmissionError, WorkerTimeout) as exc:
            self._run.fatal.append(exc)
            raise

    def teardown(self) -> None:
        failure = sys.exc_info()[1]
        if failure is not None and not self._run.fatal:
            self._run.failed = True
            if isinstance(failure, CheckFailure):
                self._explain(failure)
                steps = self.app.story()[1] + len(self.app.story()[0])
                if self._run.shortest is None or steps <= self._run.shortest_steps:
                    self._run.shortest, self._run.shortest_steps = failure, steps
        self.app.close()

    def _explain(self, failure: CheckFailure) -> None:
        """Give the failure what replaying the story needs: every step, and what the app printed."""
        story, cut = self.app.story()
        if story:
            failure.reproduce = replay(story, cut)
        output = self.app.output()
        if output.strip():
            failure.output = output


def replay(story: list[Response], cut: int = 0) -> str:
    """``curl`` lines that send the story's requests again, the last one shown in full."""
    jar = any("Set-Cookie" in response.headers for response in story)
    lines = ["# on a fresh app: restart `flask run` first"] + (["rm -f " + COOKIE_JAR] if jar else [])
    if cut:
        lines.append(f"# ({cut} earlier requests not shown)")
    lines += [curl(response.request, jar=jar, quiet=True) for response in story[:-1]]
    lines.append(curl(story[-1].request, jar=jar))
    return "\n".join(lines)
