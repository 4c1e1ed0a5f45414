"""Finding and opening learners' submissions: zips are untrusted, folders may be wrapped."""

from __future__ import annotations

import os
import tempfile
import zipfile
from pathlib import Path

import pytest

from grader.classroom.submissions import (
    MAX_BYTES,
    MAX_FILES,
    Submission,
    UnsafeSubmission,
    discover,
    find_root,
    opened,
    unpack,
)
from tests.helpers import write_submission
from tests.make_class import plain_entry, symlink_entry


def make_zip(path: Path, entries) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for info, content in entries:
            archive.writestr(info, content)
    return path


def refusal(archive: Path, tmp_path: Path) -> str:
    target = Path(tempfile.mkdtemp(prefix="unpacked", dir=tmp_path))
    with pytest.raises(UnsafeSubmission) as info:
        unpack(archive, target)
    return str(info.value)


@pytest.mark.parametrize(
    ("entry", "words"),
    [
        (plain_entry("../outside.py", "x"), "points outside the folder"),
        (plain_entry("01_app_instance/../../outside.py", "x"), "points outside the folder"),
        (plain_entry("..\\windows.py", "x"), "points outside the folder"),
        (plain_entry("/etc/cron.d/evil", "x"), "absolute path"),
        (plain_entry("C:/Users/evil.py", "x"), "absolute path"),
        (symlink_entry("01_app_instance/data.txt", "/etc/passwd"), "symbolic link"),
    ],
)
def test_an_unsafe_zip_entry_is_refused_and_nothing_lands_outside(tmp_path, entry, words):
    archive = make_zip(tmp_path / "learner.zip", [plain_entry("01_app_instance/app.py", "app = 1"), entry])
    assert words in refusal(archive, tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir())[0] == "learner.zip"
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == ["learner.zip"], "refused before any write"


def test_too_many_files_and_too_many_bytes_are_refused(tmp_path):
    many = make_zip(tmp_path / "many.zip", [plain_entry(f"f{n}.txt", "") for n in range(MAX_FILES + 1)])
    assert f"{MAX_FILES + 1} files, more than the {MAX_FILES} allowed" in refusal(many, tmp_path)
    bomb = make_zip(tmp_path / "bomb.zip", [plain_entry("zeros.bin", bytes(MAX_BYTES + 1))])
    assert bomb.stat().st_size < MAX_BYTES // 100  # small on disk, large unpacked
    assert "more than 20 MiB once unpacked" in refusal(bomb, tmp_path)


def test_a_zip_that_lies_about_its_sizes_is_refused(tmp_path):
    archive = make_zip(tmp_path / "liar.zip", [plain_entry("zeros.bin", bytes(MAX_BYTES + 1))])
    data = bytearray(archive.read_bytes())
    # Declare 1 byte unpacked in both headers; zipfile then reads only 1 byte and sees a bad CRC.
    local = data.index(b"PK\x03\x04")
    data[local + 22 : local + 26] = (1).to_bytes(4, "little")
    central = data.index(b"PK\x01\x02")
    data[central + 24 : central + 28] = (1).to_bytes(4, "little")
    archive.write_bytes(bytes(data))
    assert "liar.zip is not a readable zip file" in refusal(archive, tmp_path)


def test_a_broken_or_encrypted_zip_gets_a_clear_error(tmp_path):
    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"PK\x03\x04 truncated")
    assert "broken.zip is not a readable zip file" in refusal(broken, tmp_path)
    encrypted = make_zip(tmp_path / "encrypted.zip", [plain_entry("a.py", "x")])
    data = bytearray(encrypted.read_bytes())
    for signature, flag_offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = data.index(signature)
        data[start + flag_offset] |= 1  # the "encrypted" flag
    encrypted.write_bytes(bytes(data))
    assert "encrypted.zip cannot be unpacked" in refusal(encrypted, tmp_path)


def test_a_safe_zip_unpacks_without_archiver_junk(tmp_path):
    archive = make_zip(
        tmp_path / "ok.zip",
        [
            plain_entry("work/01_app_instance/app.py", "app = 1"),
            plain_entry("work\\02_first_route\\app.py", "app = 2"),  # made on Windows
            plain_entry("__MACOSX/work/._app.py", b"\x00"),
            plain_entry("work/.DS_Store", b"\x00"),
        ],
    )
    target = tmp_path / "out"
    target.mkdir()
    unpack(archive, target)
    files = sorted(p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file())
    assert files == ["work/01_app_instance/app.py", "work/02_first_route/app.py"]
    assert find_root(target) == target / "work"


def test_the_root_is_found_inside_a_wrapper_folder_or_a_repository(tmp_path):
    bare = write_submission(tmp_path / "bare", {"01_app_instance/app.py": "", "notes.md": ""})
    wrapped = write_submission(tmp_path / "wrapped", {"alice/01_app_instance/app.py": ""})
    repo = write_submission(
        tmp_path / "repo", {"exercises/01_app_instance/app.py": "", "grader/x.py": "", "README.md": ""}
    )
    assert find_root(bare) == bare
    assert find_root(wrapped) == wrapped / "alice"
    assert find_root(repo) == repo / "exercises"


def test_discover_names_learners_after_their_entries_and_flags_duplicates(tmp_path):
    write_submission(tmp_path, {"bob/01_app_instance/app.py": "", "carol/x": "", ".git/HEAD": "", "roster.csv": ""})
    make_zip(tmp_path / "alice.zip", [plain_entry("01_app_instance/app.py", "")])
    make_zip(tmp_path / "carol.ZIP", [plain_entry("01_app_instance/app.py", "")])
    submissions, ignored = discover(tmp_path)
    assert [(s.learner, s.zipped, bool(s.problem)) for s in submissions] == [
        ("alice", True, False),
        ("bob", False, False),
        ("carol", False, True),
    ]
    assert "two submissions for carol: carol and carol.ZIP" in submissions[2].problem
    assert sorted(path.name for path in ignored) == [".git", "roster.csv"]


def test_a_link_in_a_graded_folder_is_refused_but_not_elsewhere(tmp_path, course):
    root = write_submission(tmp_path / "s", {"01_app_instance/app.py": "", "notes/x.txt": ""})
    (root / "notes" / "link").symlink_to("/etc/passwd")  # outside the exercise folders: harmless
    exercise = course.resolve("01")
    with opened(Submission("s", root), [exercise]) as found:
        assert found == root
    os.symlink("/etc/passwd", root / "01_app_instance" / "data.txt")
    with pytest.raises(UnsafeSubmission, match="01_app_instance/data.txt is a symbolic link"):
        with opened(Submission("s", root), [exercise]):
            pass


def test_an_unzipped_submission_is_removed_after_grading(tmp_path, course, monkeypatch):
    monkeypatch.setenv("TMPDIR", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    monkeypatch.setattr(tempfile, "tempdir", None)  # re-read TMPDIR
    archive = make_zip(tmp_path / "alice.zip", [plain_entry("alice/01_app_instance/app.py", "app = 1")])
    with opened(Submission("alice", archive), [course.resolve("01")]) as root:
        assert (root / "01_app_instance" / "app.py").read_text() == "app = 1"
    assert list((tmp_path / "tmp").iterdir()) == []
