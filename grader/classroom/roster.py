"""The class list: who should have handed in, so that nobody is missing from the grades.

``--roster FILE`` is a CSV with a header row. Columns (names matched without case, spaces
or ``_``): ``id`` (the LMS's learner id: the Canvas user id, the GitHub login, the Moodle
ID number), ``name``, ``email``, ``section``, and for Canvas optionally ``sis_user_id`` and
``sis_login_id``. ``id`` or ``name`` is required; both may be given.

A submission belongs to the roster entry with its learner id, else to the one with its name
(compared without case, accents kept, in either order: "Doe, Jane", "Jane Doe" and Canvas's
"doejane" are one learner). Roster entries nobody matched get zero and "no submission";
submissions that match nobody are graded and listed apart.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from grader.classroom.submissions import Submission

COLUMNS = {
    "id": ("id", "learnerid", "studentid", "userid", "login", "username", "idnumber"),
    "name": ("name", "fullname", "student", "learner"),
    "email": ("email", "emailaddress", "mail"),
    "section": ("section", "group"),
    "sis_user_id": ("sisuserid",),
    "sis_login_id": ("sisloginid",),
}


class RosterError(Exception):
    """The roster cannot be read; the message names the file, line and column."""


@dataclass(frozen=True)
class Entry:
    """One learner of the roster."""

    id: str = ""
    name: str = ""
    email: str = ""
    section: str = ""
    sis_user_id: str = ""
    sis_login_id: str = ""

    @property
    def key(self) -> str:
        """The learner's name in the output when they handed in nothing."""
        return self.id or self.name


def read(path: Path) -> list[Entry]:
    """The roster's entries, in file order."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise RosterError(f"{path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise RosterError(f"{path} is not UTF-8 text: save the roster as CSV UTF-8.") from None
    rows = list(csv.reader(text.splitlines()))
    if not rows:
        raise RosterError(f"{path} is empty: it needs a header row (id, name, email, section) and a row per learner.")
    positions: dict[str, int] = {}
    for index, header in enumerate(rows[0]):
        simple = re.sub(r"[\s_-]", "", header.strip().lower())
        field = next((name for name, aliases in COLUMNS.items() if simple in aliases), None)
        if field and field not in positions:
            positions[field] = index
    if "id" not in positions and "name" not in positions:
        raise RosterError(f"{path}: the header {rows[0]} has no id or name column.")
    entries: list[Entry] = []
    seen: dict[str, int] = {}
    for line, row in enumerate(rows[1:], 2):
        if not any(cell.strip() for cell in row):
            continue
        values = {field: row[index].strip() if index < len(row) else "" for field, index in positions.items()}
        entry = Entry(**values)
        if not entry.key:
            raise RosterError(f"{path}, line {line}: a learner with neither id nor name.")
        if entry.key in seen:
            raise RosterError(f"{path}, line {line}: {entry.key} is already on line {seen[entry.key]}.")
        seen[entry.key] = line
        entries.append(entry)
    return entries


def name_forms(name: str) -> set[str]:
    """The ways one name is written: words in order, reversed, last name first, as Canvas joins them."""
    words = re.findall(r"\w+", unicodedata.normalize("NFC", name).casefold())
    if not words:
        return set()
    last_first = words[-1:] + words[:-1]  # Canvas's sortable name, "Last, First Middle"
    return {"".join(words), "".join(reversed(words)), "".join(last_first), " ".join(sorted(words))}


def match(
    entries: list[Entry], submissions: list[Submission]
) -> tuple[dict[str, Entry], list[Submission], list[Entry]]:
    """Each submission's roster entry (by learner), the submissions of nobody on the roster,
    and the entries nobody handed in for."""
    by_id = {entry.id.casefold(): entry for entry in entries if entry.id}
    by_name: dict[str, Entry] = {}
    for entry in entries:
        for form in name_forms(entry.name):
            by_name.setdefault(form, entry)
    matched: dict[str, Entry] = {}
    unknown = []
    taken: set[Entry] = set()
    for submission in submissions:
        ids = [submission.learner_id or submission.learner]
        found = next((by_id[i.casefold()] for i in ids if i.casefold() in by_id), None)
        if found is None:
            forms = name_forms(submission.name or submission.learner)
            found = next((by_name[form] for form in sorted(forms) if form in by_name), None)
        if found is None or found in taken:
            unknown.append(submission)
            continue
        taken.add(found)
        matched[submission.learner] = found
    missing = [entry for entry in entries if entry not in taken]
    return matched, unknown, missing
