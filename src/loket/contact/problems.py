"""Validation problems of contact requests, by form field, in translatable English.

A service raises `InvalidRequest` with every problem it found at once, so a form can show them
all in its error summary and next to each field.
"""

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Problem:
    """A message marked with N_ and the values to put into it after translation."""

    message: str
    values: dict[str, str] = field(default_factory=dict)

    def text(self, gettext: Callable[[str], str]) -> str:
        translated = gettext(self.message)
        return translated % self.values if self.values else translated


class InvalidRequest(ValueError):
    """A request with problems; `problems` maps each field name to what is wrong with it."""

    def __init__(self, problems: dict[str, Problem]) -> None:
        summary = "; ".join(
            f"{name}: {p.message % p.values if p.values else p.message}"
            for name, p in problems.items()
        )
        super().__init__(summary)
        self.problems = problems

    def messages(self, gettext: Callable[[str], str]) -> dict[str, str]:
        return {name: p.text(gettext) for name, p in self.problems.items()}
