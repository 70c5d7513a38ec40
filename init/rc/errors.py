"""Errors of the s6-rc tools, carrying the exact message and exit code."""
from __future__ import annotations


class RcError(Exception):
    """``PROG: fatal: message``, exit ``code``."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


class CompileError(RcError):
    """s6-rc-compile refuses the sources (1: bad definition, 111: I/O)."""
