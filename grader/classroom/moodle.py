"""Moodle: its "Download all submissions" in, its gradebook import CSV out.

**The download** (``mod/assign/locallib.php``, ``download_submissions``): each learner's files
are prefixed ``{Full Name}_{participant id}_assignsubmission_file_``, either as a folder of
that name holding the files (``Jane Doe_123456_assignsubmission_file_/app.py``) or as flat
files (``Jane Doe_123456_assignsubmission_file_app.py``). Moodle turns ``_`` in names into
spaces, so the name is everything before the last ``_{digits}_assignsubmission_``. The id
is the assignment's participant id, not the user's ID number. Online text comes as
``..._assignsubmission_onlinetext_/onlinetext.html``; it holds no app and is noted.

**The import** (Grades > Import > CSV file): any header; on the import page the instructor
maps one column to the learner ("Identify user by": Email address or ID number) and one to
the grade item. The CSV written here has ``Full name``, ``Email address``, ``ID number``
(both from the roster, since a download carries neither) and the assignment column with
the points earned. A grade above the grade item's maximum is refused by Moodle, so the
grade item's maximum must be at least the exercises' maximum (the summary prints it).
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path

from grader.classroom.imports import Handin, Upload, learner_key, uploads_in

PREFIX = re.compile(r"^(?P<name>.+)_(?P<id>\d+)_assignsubmission_(?P<plugin>[a-z]+)_(?P<rest>.*)$", re.DOTALL)
HEADER = ["Full name", "Email address", "ID number"]


def is_download(names: list[str]) -> bool:
    """Every entry carries Moodle's ``_assignsubmission_`` prefix."""
    return bool(names) and all(PREFIX.match(name.split("/")[0]) for name in names)


def read_download(path: Path) -> tuple[list[Handin], list[str]]:
    """The hand-ins of a Moodle download (the zip or its unpacked folder), and the entries
    that do not carry Moodle's prefix."""
    groups: dict[tuple[str, str], Handin] = {}
    ignored = []
    # A learner's folder with nothing inside is an empty submission, not no submission.
    if path.is_dir():
        empty_folders = [entry.name for entry in path.iterdir() if entry.is_dir() and not any(entry.iterdir())]
    else:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
        empty_folders = [
            n.rstrip("/") for n in names if n.endswith("/") and not any(o.startswith(n) and o != n for o in names)
        ]
    for upload in uploads_in(path):
        top, _, inside = upload.name.partition("/")
        match = PREFIX.match(top)
        if match is None:
            ignored.append(upload.name)
            continue
        learner = learner_key(f"{match['name']}_{match['id']}")
        # A folder and flat files of one learner are two hand-ins; the later one is graded.
        layout = "folder" if inside else "flat"
        handin = groups.setdefault(
            (learner, layout), Handin(learner, learner_id=match["id"], name=match["name"].strip())
        )
        file_name = inside or match["rest"]
        if match["plugin"] != "file":
            handin.notes.append(f"Ignored the {match['plugin']} entry ({upload.name}): it holds no app.")
            continue
        handin.uploads.append(Upload(file_name, upload.path, upload.member, order=upload.order))
    for folder in empty_folders:
        match = PREFIX.match(folder)
        if match:
            learner = learner_key(f"{match['name']}_{match['id']}")
            groups.setdefault((learner, "folder"), Handin(learner, learner_id=match["id"], name=match["name"].strip()))
    for handin in groups.values():
        handin.order = max((upload.order for upload in handin.uploads), default=())
    return sorted(groups.values(), key=lambda handin: (handin.learner, handin.order)), ignored


def render(rows: list[dict[str, str]], assignment: str) -> str:
    """The import CSV: ``rows`` hold ``name``, ``email``, ``id_number`` and ``score``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([*HEADER, assignment])
    for row in rows:
        writer.writerow([row["name"], row["email"], row["id_number"], row["score"]])
    return buffer.getvalue()
