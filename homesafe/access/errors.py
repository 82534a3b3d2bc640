"""Errors that services raise when a rule of the practice is broken (not a field problem)."""


class ApplicationError(Exception):
    """A rule broken; `code` is stable for the API and tests, `message` is for people."""

    def __init__(self, message: str, *, code: str):
        super().__init__(message)
        self.message = message
        self.code = code
