"""Reading a submission without following links (grader.sandbox.nofollow)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from grader.sandbox import nofollow
from grader.sandbox.nofollow import LinkedPath, Reader, Unreadable


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    (tmp_path / "real" / "templates").mkdir(parents=True)
    (tmp_path / "real" / "app.py").write_text("app")
    (tmp_path / "real" / "templates" / "index.html").write_text("<p>")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "secret.txt").write_text("secret")
    return tmp_path


def test_a_link_in_any_component_is_refused(tree: Path):
    (tree / "real" / "linked").symlink_to(tree / "elsewhere")
    with pytest.raises(LinkedPath, match="real/linked is a symbolic link"):
        nofollow.open_file(tree, "real/linked/secret.txt")
    with pytest.raises(LinkedPath):
        nofollow.open_absolute(tree / "real" / "linked" / "secret.txt", os.O_RDONLY)
    with pytest.raises(LinkedPath, match="real/linked is a symbolic link"):
        nofollow.check_tree(tree, "real")


def test_plain_files_and_folders_are_read(tree: Path):
    fd = nofollow.open_file(tree, "real/app.py")
    with os.fdopen(fd, "rb") as file:
        assert file.read() == b"app"
    assert nofollow.kind(tree, "real/templates") == "dir"
    assert nofollow.kind(tree, "real/missing") is None
    assert nofollow.check_tree(tree, "real") == (2, len("app") + len("<p>"))
    os.close(nofollow.open_absolute(tree / "real" / "templates" / "index.html", os.O_RDONLY))


def test_as_root_only_what_the_owner_may_read_is_read(tree: Path):
    learner = Reader(uid=65534, gids=frozenset({65534}))
    os.chmod(tree, 0o755)
    os.chmod(tree / "real" / "templates", 0o700)  # root's, as tmp_path is
    with pytest.raises(Unreadable, match="real/templates cannot be read by its owner"):
        nofollow.check_tree(tree, "real", learner)
    os.chmod(tree / "real" / "templates", 0o755)
    os.chmod(tree / "real" / "app.py", 0o600)
    with pytest.raises(Unreadable):
        nofollow.open_file(tree, "real/app.py", learner)
    os.chown(tree / "real" / "app.py", 65534, 65534)  # their own file: readable by its owner bits
    os.close(nofollow.open_file(tree, "real/app.py", learner))
