"""The access-log columns that repeat a field of the chained body so that pages can search them.

One function derives them from the body, both when an entry is written and when the log is
verified, so a column that no longer says what the signed body says is found by `audit verify`.
"""

from datetime import date, datetime
from typing import Any

# In the order `audit verify` checks them and names the first that differs.
SEARCHABLE_COLUMNS = (
    "recorded_at",
    "kind",
    "citizen_insz",
    "agency",
    "actor",
    "outcome",
    "visible_from",
)


class BodyFieldError(ValueError):
    """A body that lacks a field its searchable columns are derived from, or has a bad one."""


def searchable_columns(body: dict[str, Any]) -> tuple[Any, ...]:
    """The values of SEARCHABLE_COLUMNS for an entry whose full body (with `recorded_at`) is
    `body`: the citizen sees an entry from its `visible_from` day, else from the day it was
    recorded."""
    try:
        recorded_at = datetime.fromisoformat(body["recorded_at"])
        visible = body.get("visible_from")
        visible_from = date.fromisoformat(visible) if visible else recorded_at.date()
        return (
            recorded_at,
            str(body["kind"]),
            body.get("citizen"),
            body.get("agency"),
            body.get("actor"),
            str(body["outcome"]),
            visible_from,
        )
    except KeyError as missing:
        raise BodyFieldError(f"the body has no {missing.args[0]!r}") from None
    except (TypeError, ValueError) as error:
        raise BodyFieldError(f"the body has a field that is not a date: {error}") from None


def as_row(values: tuple[Any, ...]) -> dict[str, Any]:
    """The searchable columns as keyword values for an INSERT."""
    return dict(zip(SEARCHABLE_COLUMNS, values, strict=True))


def first_difference(stored: tuple[Any, ...], expected: tuple[Any, ...]) -> str:
    """The first column whose stored value differs from what the body says, in words."""
    for name, have, want in zip(SEARCHABLE_COLUMNS, stored, expected, strict=True):
        if have != want:
            return f"column {name} says {_shown(have)} but its contents say {_shown(want)}"
    return "no column differs"


def _shown(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, datetime):
        return value.isoformat(timespec="microseconds")
    if isinstance(value, date):
        return value.isoformat()
    return repr(str(value))
