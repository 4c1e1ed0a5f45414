"""Exercise 3: what the unescaped mistake's learner reads, in depth (its submissions: ``cases/03_dynamic_routes.py``)."""

from tests.exercises import cases

EXERCISE = "03_dynamic_routes"
case = cases.module(EXERCISE)


def test_the_unescaped_mistake_is_explained_with_the_smallest_example(grade_files):
    source = case.MISTAKES["not escaped"][0]
    exercise = grade_files({f"{EXERCISE}/app.py": source}).exercises[0]
    check = next(c for c in exercise.checks if c.name == "escapes_html")
    assert "without HTML-escaping it" in check.message
    assert "request:  GET /user/" in check.message
    assert check.example.startswith("name=")
    assert check.hint
