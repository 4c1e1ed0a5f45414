"""Exercise 16: the model's story, in depth (its submissions: ``cases/16_notes_api.py``)."""

from tests.exercises import cases
from tests.helpers import check_named, failing, grade_one

EXERCISE = "16_notes_api"
case = cases.module(EXERCISE)


def test_a_model_failure_is_shrunk_to_the_shortest_story_with_its_replay(grade_files):
    """Ids from len(): the model's failure is the three steps that show it, with readable
    texts, a curl line per step to replay on a fresh app, and the summary on its own."""
    result = grade_one(grade_files, EXERCISE, case.SOLUTION.replace("next(NEXT_ID)", "len(NOTES) + 1"))
    assert failing(result) == {"ids_not_reused", "model"}
    model = check_named(result, "model")
    assert model.summary == "POST /notes answered different JSON."
    story = model.details["request"].splitlines()
    assert story[0].startswith("1. POST /notes (X-API-Key: secret, Content-Type: application/json) with body")
    assert story[1].startswith("2. DELETE /notes/1 (X-API-Key: secret) → 204 NO CONTENT")
    assert story[2] == "3. POST /notes"
    assert "Buy milk" in model.details["request"], "shrunk to a readable text"
    assert model.details["expected"].startswith('{"id": 2')
    replay = model.details["reproduce"].splitlines()
    assert replay[0].startswith("# on a fresh app")
    assert [line.split()[0] for line in replay[1:]] == ["curl", "curl", "curl"]
    assert "-X DELETE" in replay[2] and replay[3].startswith("curl -i -X POST")


def test_a_model_failure_shows_what_the_app_printed(grade_files):
    printing = case.SOLUTION.replace('return "", 204', 'print("deleted", note_id)\n    return {"deleted": note_id}')
    assert printing != case.SOLUTION
    result = grade_one(grade_files, EXERCISE, printing)
    model = check_named(result, "model")
    assert model.status == "failed"
    assert "deleted 1" in model.details["output"]
    assert model.details["request"].count("\n") == 2, "two steps: create, then delete"
