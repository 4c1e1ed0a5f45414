"""The smallest failing example comes from the run, on every Hypothesis version in range.

Each case is a real property run by real Hypothesis under the grader's plugin, in a
pytest session of its own; what the learner would read is taken from the outcome the
plugin classifies, exactly as the judge does. These fail if the example goes missing.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from grader import report

CHECKS = """
import pytest
from hypothesis import example, given, strategies as st
from hypothesis.stateful import RuleBasedStateMachine, rule, run_state_machine_as_test


@given(item_id=st.integers(min_value=0, max_value=1000))
def test_one_argument(item_id):
    assert item_id < 7


@given(name=st.text(alphabet="abc", min_size=1), count=st.integers(min_value=0))
def test_several_arguments_and_a_fixture(tmp_path, name, count):
    assert not (len(name) >= 2 and count >= 3)


@given(order=st.lists(st.just(0), min_size=200, max_size=200))  # long, with nothing to shrink
def test_a_long_value(order):
    order.clear()  # a check that changes what it was given: the example shows what was sent
    assert False


@example(path="/explicit")
@given(path=st.just("/generated"))
def test_an_explicit_example(path):
    assert path != "/explicit"


class Counter(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self.count = 0

    @rule(step=st.integers(min_value=1, max_value=3))
    def add(self, step):
        self.count += step
        assert self.count < 5, f"the counter reached {self.count}"


def test_a_state_machine():
    run_state_machine_as_test(Counter)


def test_no_property():
    assert False, "plain failure"
"""

RECORDER = """
import json
from pathlib import Path

import pytest

from grader.plugin import classify

OUTCOMES = {}


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if call.when == "call" and call.excinfo is not None:
        outcome = classify(call.excinfo.value)
        OUTCOMES[item.name] = {"message": outcome.message, "example": outcome.example}
    return report


def pytest_sessionfinish(session):
    Path("outcomes.json").write_text(json.dumps(OUTCOMES))
"""


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, str]]:
    """One pytest session, in a process of its own, runs every case."""
    folder = tmp_path_factory.mktemp("properties")
    (folder / "test_properties.py").write_text(CHECKS, encoding="utf-8")
    (folder / "conftest.py").write_text(RECORDER, encoding="utf-8")
    subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "grader.plugin", "-p", "no:xdist", "-p", "no:cacheprovider", "-q"],
        cwd=folder,
        capture_output=True,
        check=False,
        timeout=300,
    )
    return json.loads((folder / "outcomes.json").read_text(encoding="utf-8"))


def test_one_argument_is_shown_shrunk(outcomes):
    assert outcomes["test_one_argument"]["example"] == "item_id=7"


def test_several_arguments_are_shown_in_order_and_fixtures_are_left_out(outcomes):
    assert outcomes["test_several_arguments_and_a_fixture"]["example"] == "name='aa'\ncount=3"


def test_a_long_value_is_shown_as_sent_and_shortened_for_the_learner(outcomes):
    example = outcomes["test_a_long_value"]["example"]
    assert example == "order=" + repr([0] * 200)
    words = report.example_in_words(example)
    assert words.startswith("order = [0, 0") and "more characters cut" in words


def test_a_failing_explicit_example_is_shown(outcomes):
    assert outcomes["test_an_explicit_example"]["example"] == "path='/explicit'"


def test_a_state_machine_keeps_its_own_story_and_invents_no_example(outcomes):
    machine = outcomes["test_a_state_machine"]
    assert machine["example"] == ""
    assert "the counter reached" in machine["message"]


def test_a_check_without_a_property_has_no_example(outcomes):
    assert outcomes["test_no_property"] == {"message": "plain failure\nassert False", "example": ""}
