"""INSZ: a national register number or a BIS number, checked with python-stdnum."""

from stdnum.be import bis, nn
from stdnum.exceptions import ValidationError


class InvalidInsz(ValueError):
    def __init__(self, value: str, why: str) -> None:
        super().__init__(f"insz: {value!r} is not a valid INSZ or BIS number ({why})")
        self.value = value


def validate_insz(value: str) -> tuple[str, str]:
    """The compact number and its kind ("nn" or "bis"), or InvalidInsz saying why not."""
    try:
        return nn.validate(value), "nn"
    except ValidationError as nn_error:
        try:
            return bis.validate(value), "bis"
        except ValidationError:
            message = nn_error.message if hasattr(nn_error, "message") else str(nn_error)
            raise InvalidInsz(value, message or type(nn_error).__name__) from None
