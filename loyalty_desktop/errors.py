"""Errors meant for the user: the CLI prints them as one line, the UI as a plain-words dialog."""


class UserError(Exception):
    """A problem the user can fix (bad path, bad file, invalid rule…). Never a bug."""

    exit_code = 1


class DatabaseError(UserError):
    """The database cannot be opened or used as asked; nothing was changed."""


class InvalidInput(UserError):
    """Input data (rule, mapping, value) is invalid."""

    exit_code = 2


class Cancelled(Exception):
    """Long work was cancelled by the user; everything it did was rolled back."""
