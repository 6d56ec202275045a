"""One root exception for the workbench; subclasses carry the data at fault."""
from __future__ import annotations


class WorkbenchError(Exception):
    """Root of every error the workbench raises on purpose."""


class CorpusError(WorkbenchError):
    """A corpus file or folder that cannot be read.

    Attributes
    ----------
    path : str
        The file or folder at fault.
    reason : str
        What is wrong with it, in a few words.
    """

    def __init__(self, path: str, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = str(path)
        self.reason = reason


class ParameterError(WorkbenchError):
    """A bad parameter value, naming the parameter."""

    def __init__(self, name: str, value: object, reason: str):
        super().__init__(f"parameter {name}={value!r}: {reason}")
        self.name = name
        self.value = value
        self.reason = reason
