"""Reading a submission without following links, and only what its learner may read.

A submission's paths are untrusted below its root: any component may be a symbolic
link (to a solution, to another learner's folder, to a file of the grader's), and
``Path.is_dir()`` or ``open()`` would follow it. Here every component below the
root is opened with ``openat(..., O_NOFOLLOW)``, so a link anywhere in the path is
refused by the kernel itself, not by a check that a learner can race.

As root the grader can read anything, so it reads for a learner only what that
learner could read themselves: the owner of the submission's root (a
:class:`Reader`) must be let in by each folder's and file's permission bits.
(ACLs are not consulted: on the machines this runs on they only narrow or widen
what the bits say for named users, and the bits are what a learner controls.)

Only the standard library is imported: the sandbox copies files with this too.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

_DIRECTORY = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
# O_NONBLOCK: opening a named pipe must not wait for a writer; a pipe is refused after fstat.
_FILE = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC


class UnsafePath(Exception):
    """A path of a submission that is not read, and why, in the learner's words."""


class LinkedPath(UnsafePath):
    """A component of the path is a symbolic link."""


class Unreadable(UnsafePath):
    """The submission's owner could not read this path themselves."""


@dataclass(frozen=True)
class Reader:
    """Whose permissions a submission is read with: its owner's uid and groups."""

    uid: int
    gids: frozenset[int]

    @classmethod
    def owner_of(cls, root: Path) -> Reader | None:
        """The owner of ``root`` when the grader reads as root for someone else; None
        when the kernel's own checks suffice (not root, or the folder is root's)."""
        if os.geteuid() != 0:
            return None
        info = os.stat(root)
        if info.st_uid == 0:
            return None
        gids = {info.st_gid}
        try:
            import pwd

            entry = pwd.getpwuid(info.st_uid)
            gids.update(os.getgrouplist(entry.pw_name, entry.pw_gid))
        except (KeyError, OSError):
            pass  # a uid without an account: its own and the folder's group only
        return cls(info.st_uid, frozenset(gids))

    def may_read(self, info: os.stat_result) -> bool:
        """Whether this reader may read ``info``'s file (and search it, for a folder)."""
        need = 0o5 if stat.S_ISDIR(info.st_mode) else 0o4
        if info.st_uid == self.uid:
            bits = info.st_mode >> 6
        elif info.st_gid in self.gids:
            bits = info.st_mode >> 3
        else:
            bits = info.st_mode
        return bits & need == need


def _shown(parts: tuple[str, ...]) -> str:
    return "/".join(parts) or "."


def describe_link(shown: str, target: str) -> str:
    """What a learner reads about the link ``shown`` (a path in their submission)."""
    return (
        f"{shown} is a symbolic link: the grader follows no link in a submission, and this one is a link to "
        f"{target}; hand in the file itself (or the folder, with its files)."
    )


def _check(info: os.stat_result, parts: tuple[str, ...], reader: Reader | None) -> None:
    if reader is not None and not reader.may_read(info):
        raise Unreadable(
            f"{_shown(parts)} cannot be read by its owner (uid {reader.uid}) without the grader's privileges: "
            "the grader reads only what the learner can read themselves."
        )


def _open_at(dir_fd: int, name: str, flags: int, parts: tuple[str, ...]) -> int:
    try:
        return os.open(name, flags, dir_fd=dir_fd)
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.ENOTDIR, errno.EMLINK):
            try:
                target = os.readlink(name, dir_fd=dir_fd)
            except OSError:
                raise exc from None  # not a link after all (a file where a folder was expected)
            raise LinkedPath(describe_link(_shown(parts), target)) from None
        raise


@contextmanager
def opened_dir(root: Path, relative: PurePosixPath | str = ".", reader: Reader | None = None) -> Iterator[int]:
    """A file descriptor of the folder ``root/relative``; ``root`` itself is trusted
    (the caller's), every component below it is opened without following links."""
    parts = tuple(part for part in PurePosixPath(relative).parts if part not in ("", "."))
    fd = os.open(root, _DIRECTORY & ~os.O_NOFOLLOW)
    try:
        _check(os.fstat(fd), (), reader)
        for depth, name in enumerate(parts):
            if name == "..":
                raise LinkedPath(f"{_shown(parts)} leaves the submission (..).")
            child = _open_at(fd, name, _DIRECTORY, parts[: depth + 1])
            os.close(fd)
            fd = child
            _check(os.fstat(fd), parts[: depth + 1], reader)
        yield fd
    finally:
        os.close(fd)


def open_file(root: Path, relative: PurePosixPath | str, reader: Reader | None = None) -> int:
    """A descriptor of the regular file ``root/relative``, opened as :func:`opened_dir`
    opens folders. Raises UnsafePath, or FileNotFoundError / IsADirectoryError."""
    path = PurePosixPath(relative)
    with opened_dir(root, path.parent, reader) as folder:
        fd = _open_at(folder, path.name, _FILE, path.parts)
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        raise IsADirectoryError(errno.EISDIR, "not a regular file", str(path))
    try:
        _check(info, path.parts, reader)
    except UnsafePath:
        os.close(fd)
        raise
    return fd


def kind(root: Path, relative: PurePosixPath | str, reader: Reader | None = None) -> str | None:
    """``"dir"``, ``"file"``, ``"other"`` for ``root/relative`` (links not followed, the
    folders on the way checked); None when it does not exist."""
    path = PurePosixPath(relative)
    try:
        with opened_dir(root, path.parent, reader) as folder:
            info = os.stat(path.name, dir_fd=folder, follow_symlinks=False)
            _check(info, path.parts, reader)
            if stat.S_ISLNK(info.st_mode):
                raise LinkedPath(describe_link(_shown(path.parts), os.readlink(path.name, dir_fd=folder)))
    except FileNotFoundError:
        return None
    if stat.S_ISDIR(info.st_mode):
        return "dir"
    return "file" if stat.S_ISREG(info.st_mode) else "other"


def check_tree(root: Path, relative: PurePosixPath | str, reader: Reader | None = None) -> tuple[int, int]:
    """Walk ``root/relative`` (a file or a folder) as :func:`opened_dir` does, refusing
    any link or unreadable entry inside; returns (files, bytes) for the size limits."""
    path = PurePosixPath(relative)
    with opened_dir(root, path.parent, reader) as folder:
        return _walk(folder, path.name, path.parts, reader)


def _walk(dir_fd: int, name: str, parts: tuple[str, ...], reader: Reader | None) -> tuple[int, int]:
    info = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
    if stat.S_ISLNK(info.st_mode):
        raise LinkedPath(describe_link(_shown(parts), os.readlink(name, dir_fd=dir_fd)))
    _check(info, parts, reader)
    if not stat.S_ISDIR(info.st_mode):
        return (1, info.st_size) if stat.S_ISREG(info.st_mode) else (0, 0)
    files = size = 0
    fd = _open_at(dir_fd, name, _DIRECTORY, parts)
    try:
        for child in sorted(os.listdir(fd)):
            more, larger = _walk(fd, child, (*parts, child), reader)
            files, size = files + more, size + larger
    finally:
        os.close(fd)
    return files, size


def open_absolute(path: str | os.PathLike[str], flags: int) -> int:
    """``os.open`` of an absolute path that follows no link in any component (for
    paths already resolved by the grader: a link found on the way was put there
    since, and is refused). For ``open(..., opener=...)``."""
    parts = PurePosixPath(os.fspath(path)).parts
    if not parts or parts[0] != "/":
        raise ValueError(f"{path}: not an absolute path")
    fd = os.open("/", _DIRECTORY)
    try:
        for depth, name in enumerate(parts[1:-1], start=1):
            child = _open_at(fd, name, _DIRECTORY, parts[1 : depth + 1])
            os.close(fd)
            fd = child
        return _open_at(fd, parts[-1], flags | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC, parts[1:])
    finally:
        os.close(fd)
