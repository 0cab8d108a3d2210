"""Two kinds of failure: a reader's bad input, and a maintainer's broken data.

Readers get a Chinese sentence they can act on; maintainers get the file,
the place inside it and the field, so the fix takes one look.
"""

from __future__ import annotations


class InputError(ValueError):
    """Something a reader typed (or a URL carried) that we refuse."""

    def __init__(self, code: str, message_zh: str, field: str = "") -> None:
        super().__init__(message_zh)
        self.code = code
        self.message_zh = message_zh
        self.field = field

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "message_zh": self.message_zh, "field": self.field}


class DataError(ValueError):
    """A data file a maintainer edits is broken; names file, item and field."""

    def __init__(
        self, file: str, where: str, field: str, problem: str, kind: str = "invalid"
    ) -> None:
        location = " ".join(part for part in (where, field) if part)
        super().__init__(f"{file}: {location}: {problem}" if location else f"{file}: {problem}")
        self.file = file
        self.where = where
        self.field = field
        self.problem = problem
        # A short machine word (number, range, required, unknown, order, ...) so
        # front doors can word the same mistake for readers in Chinese.
        self.kind = kind


class DataProblems(DataError):
    """Every problem found in one data file, one precise line each, so a
    maintainer fixes them all in one pass (the walker tree, the guide data)."""

    def __init__(self, file: str, problems: list[str]) -> None:
        super().__init__(file, "", "", "\n".join(problems))
        self.problems = problems

    def __str__(self) -> str:
        return "\n".join(self.problems)
