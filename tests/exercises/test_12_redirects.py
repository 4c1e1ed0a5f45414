"""Exercise 12: a URL built by hand, in depth (its submissions: ``cases/12_redirects.py``)."""

from tests.exercises import cases
from tests.helpers import check_named, failing, grade_one

EXERCISE = "12_redirects"
case = cases.module(EXERCISE)


def test_a_url_built_with_an_f_string_fails_and_is_explained_with_where_it_leads(grade_files):
    source = case.SOLUTION.replace('redirect(url_for("profile", name=name))', 'redirect(f"/profile/{name}")')
    result = grade_one(grade_files, EXERCISE, source)
    assert failing(result) == {"go_quotes_names"}
    check = check_named(result, "go_quotes_names")
    assert "yours leads to the path" in check.message
    assert check.example.startswith("name=")
