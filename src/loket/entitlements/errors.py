"""Errors of the entitlements capability: each names the field or the dossier it is about."""

from loket.cases.model import Dossier
from loket.texts import N_


class EntitlementError(ValueError):
    """An entitlement operation that cannot be done; `message` is marked for translation,
    `field` names the form field it is about (empty when it is about the whole dossier)."""

    def __init__(self, message: str, field: str = "", **args: str) -> None:
        super().__init__(message % args if args else message)
        self.message = message
        self.field = field
        self.args_ = args


class WrongCaseType(EntitlementError):
    def __init__(self, reference: str, wanted: str) -> None:
        super().__init__(
            N_("Dossier %(reference)s is not a %(wanted)s dossier."),
            reference=reference,
            wanted=wanted,
        )


class NoDecision(EntitlementError):
    def __init__(self) -> None:
        super().__init__(N_("Decide on the advances first: the ledger counts from the request."))


def require_case_type(dossier: Dossier, case_type: str) -> None:
    """Entitlements belong to dossiers of one case type; any other dossier is refused."""
    if dossier.case_type != case_type:
        raise WrongCaseType(dossier.reference, case_type)
