"""The result cache's bound: unused entries age out, the least recently used go first."""

from __future__ import annotations

import os
from pathlib import Path

from grader.cache import SANDBOX, Cache
from grader.results import ExerciseResult


def result(number: int) -> ExerciseResult:
    return ExerciseResult(f"{number:02}_ex", f"{number:02}", "ex", "Exercise", "routes", "passed", 1.0, 1.0)


def kept(cache: Cache) -> set[str]:
    return {path.stem for path in cache.folder.glob("??/*.json")}


def age(cache: Cache, key: str, seconds_ago: float) -> None:
    path = cache.folder / key[:2] / f"{key}.json"
    when = path.stat().st_mtime - seconds_ago
    os.utime(path, (when, when))


def test_entries_past_the_size_bound_go_least_recently_used_first(tmp_path: Path):
    writer = Cache(tmp_path / "cache")
    keys = [f"{n:02x}" * 32 for n in range(6)]
    for number, key in enumerate(keys):
        writer.put(key, result(number))
        age(writer, key, 100 - number)  # written in order: the first is the oldest
    size = (writer.folder / keys[0][:2] / f"{keys[0]}.json").stat().st_size
    assert writer.get(keys[0]) is not None  # used now: the most recently used
    Cache(tmp_path / "cache", max_bytes=3 * size).prune()
    assert kept(writer) == {keys[0], keys[4], keys[5]}
    assert writer.get(keys[1]) is None  # a pruned entry is a miss, graded again


def test_entries_unused_for_the_age_bound_go(tmp_path: Path):
    cache = Cache(tmp_path / "cache", max_age=3600)
    old, recent = "ab" * 32, "cd" * 32
    cache.put(old, result(1))
    cache.put(recent, result(2))
    age(cache, old, 7200)
    age(cache, recent, 60)
    cache.prune()
    assert kept(cache) == {recent}


def test_a_run_that_keeps_a_result_prunes_once_and_keeps_the_new_entry(tmp_path: Path):
    folder = tmp_path / "cache"
    Cache(folder).put("ef" * 32, result(1))
    (folder / SANDBOX).write_text("{}")  # the layers' note is not an entry
    age(Cache(folder), "ef" * 32, 7200)
    cache = Cache(folder, max_age=3600)
    cache.put("12" * 32, result(2))  # prunes: the old entry goes, the new one stays
    assert kept(cache) == {"12" * 32}
    assert (folder / SANDBOX).exists()
    age(cache, "12" * 32, 7200)
    cache.put("34" * 32, result(3))  # once per run: nothing more is pruned
    assert kept(cache) == {"12" * 32, "34" * 32}
