"""Errors of the rules: each message names the field or the date a user must change."""


class RulesError(ValueError):
    """A situation or a date the rules cannot compute; the message names the field."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class DateOutOfRange(RulesError):
    """A date before the first known value of a parameter the computation needs."""
