"""Errors meant for the user: the CLI prints them as one line, the UI as a plain-words dialog.

Every ``UserError`` carries an English message (``str(exc)``: the CLI, logs and tests stay English)
and, passed as ``vi=``, the same facts in Vietnamese for the Vietnamese interface:

    raise UserError(f"No tag named \\"{name}\\".", vi=f"Không có thẻ nào tên “{name}”.")

``exc.text(lang)`` gives the message for an interface language ("vi" or "en"); the UI shows that.
"""

from __future__ import annotations


class UserError(Exception):
    """A problem the user can fix (bad path, bad file, invalid rule…). Never a bug."""

    exit_code = 1
    vi: str | None = None  # the Vietnamese message, when given

    def __init__(self, *args: object, vi: str | None = None) -> None:
        super().__init__(*args)
        self.vi = vi or None

    def text(self, lang: str | None = "en") -> str:
        """The message in ``lang``: the Vietnamese one for "vi" when there is one, else English."""
        if lang and str(lang).lower().startswith("vi") and self.vi:
            return self.vi
        return str(self)


class DatabaseError(UserError):
    """The database cannot be opened or used as asked; nothing was changed."""


class InvalidInput(UserError):
    """Input data (rule, mapping, value) is invalid."""

    exit_code = 2


class Cancelled(Exception):
    """Long work was cancelled by the user; everything it did was rolled back."""
