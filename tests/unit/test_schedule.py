"""How one grading's exercises are spread over its judges: balanced by their last cost."""

from __future__ import annotations

import json

from grader.schedule import COSTS, load, remember, split

IDS = [f"{n:02d}" for n in range(1, 9)]


def test_without_costs_each_judge_gets_as_many_exercises_in_course_order():
    shares = split(IDS, 2, {})
    assert sorted(len(share) for share in shares) == [4, 4]
    assert all(share == sorted(share) for share in shares)
    assert sorted(i for share in shares for i in share) == IDS


def test_the_costliest_exercises_are_not_left_to_one_judge():
    # The later exercises cost the most: a split by count would give one judge 22 s, the other 4.
    costs = dict(zip(IDS, [0.5, 0.5, 1, 2, 3, 4, 7, 8], strict=True))
    shares = split(IDS, 2, costs)
    loads = sorted(sum(costs[i] for i in share) for share in shares)
    assert loads == [13.0, 13.0]
    assert all(share == sorted(share) for share in shares)


def test_an_exercise_never_seen_counts_as_the_average_and_jobs_are_capped():
    shares = split(["01", "02", "03"], 2, {"01": 4.0, "02": 2.0})  # 03 counts as 3.0
    assert shares == [["01"], ["02", "03"]]
    assert split(["01"], 4, {}) == [["01"]]


def test_costs_kept_are_read_back_the_newest_replacing_the_old(tmp_path):
    remember(tmp_path, {"/c/01": 1.0, "/c/02": 2.0})
    remember(tmp_path, {"/c/01": 1.5})
    assert load(tmp_path) == {"/c/02": 2.0, "/c/01": 1.5}
    assert [path.name for path in tmp_path.iterdir()] == [COSTS]  # no temporary file left


def test_an_unreadable_costs_file_is_no_costs_and_is_replaced(tmp_path):
    (tmp_path / COSTS).write_text('{"/c/01": "a lot"', encoding="utf-8")
    assert load(tmp_path) == {}
    remember(tmp_path, {"/c/01": 1.0})
    assert json.loads((tmp_path / COSTS).read_text(encoding="utf-8")) == {"/c/01": 1.0}
