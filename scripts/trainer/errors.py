"""Errors with stable codes, reported like the TypeScript side's LookoutError (where: message [CODE])."""
from __future__ import annotations

# Exit code for bad input (data set, labels, checkpoint, arguments): the user must fix something.
# Same value as src/errors.ts EXIT_BAD_INPUT.
EXIT_BAD_INPUT = 2


class TrainerError(Exception):
    """Bad input. `code` is stable (tests assert it); `where` names the file[:line] or argument at fault."""

    def __init__(self, code: str, message: str, where: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.where = where

    def __str__(self) -> str:
        prefix = f"{self.where}: " if self.where else ""
        return f"{prefix}{self.message} [{self.code}]"
