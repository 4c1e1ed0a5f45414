"""Exercise 14: the learner's own templates, in depth (its submissions: ``cases/14_templates.py``)."""

from tests.exercises import cases
from tests.helpers import check_named, failing, grade_one

EXERCISE = "14_templates"
case = cases.module(EXERCISE)


def test_the_learners_templates_are_graded_not_the_starters(grade_files):
    result = grade_one(
        grade_files,
        EXERCISE,
        case.submission(base=case.solution_template("base").replace("Flask Exercises", "My Site")),
    )
    assert "index" in failing(result)
    assert "pages_extend_base" not in failing(result), "its pages extend its base.html, whatever that says"
    assert "titled 'Home - My Site'" in check_named(result, "index").message
