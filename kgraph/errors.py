"""Named errors. The library raises these; only the CLI turns them into exit codes.

Every message names the input (file and line, parameter, query) and says how
to fix it, so the CLI can print it as one line.
"""
from __future__ import annotations

__all__ = [
    "KgraphError", "RecordError", "StoreError", "QueryError", "QueryNotFound",
    "ParameterError", "UnknownEntity", "ValidationFailed", "ExportError", "ReadError", "RemoteError",
]


class KgraphError(Exception):
    """Base of every error kgraph expects and reports without a traceback."""

    def __reduce__(self):
        # rebuilt from its message and attributes, whatever its __init__ takes: an error raised in
        # an extraction worker process reaches the parent whole
        return _rebuild, (type(self), str(self), self.__dict__)


def _rebuild(cls, message: str, attributes: dict) -> KgraphError:
    error = Exception.__new__(cls)
    Exception.__init__(error, message)
    error.__dict__.update(attributes)
    return error


class RecordError(KgraphError):
    """A curated record is malformed, incomplete or refers to an unknown id."""

    def __init__(self, path, line: int | None, message: str):
        self.path, self.line, self.detail = str(path), line, message
        where = f"{path}:{line}" if line else str(path)
        super().__init__(f"{where}: {message}")


class StoreError(KgraphError):
    """The store is missing, locked or unreadable."""


class QueryError(KgraphError):
    """A SPARQL query is malformed or failed to run."""


class QueryNotFound(QueryError):
    """No saved query has that name."""


class ParameterError(KgraphError):
    """A query parameter is unknown or its value has the wrong form."""


class UnknownEntity(ParameterError):
    """No entity, or more than one, has the name given (suggestions are in `.suggestions`)."""

    def __init__(self, message: str, suggestions: list[str]):
        self.suggestions = suggestions
        super().__init__(message)


class ValidationFailed(KgraphError):
    """The graph does not conform to the SHACL shapes."""

    def __init__(self, message: str, report: str):
        self.report = report
        super().__init__(message)


class ExportError(KgraphError):
    """An export format is unknown or the output cannot be written."""


class ReadError(KgraphError):
    """An input text cannot be read: missing, empty, binary or in an unknown encoding."""


class RemoteError(KgraphError):
    """A remote endpoint or Graph Store cannot be reached, refused the request or answered an error."""
