"""Dossiers follow their citizen: when a citizen's current address changes, every open dossier
whose type follows residence moves to the office competent for the new address.

Rule: a dossier moves only when the competent office differs from its office. When no office can
be named (a move abroad, an unknown or ambiguous postal code, no jurisdiction), the dossier stays
where it is and waits in that office's routing queue with the reason; nothing is dropped.
Each transfer writes a `transferred` history line and three outbox notifications (old office,
new office, citizen). The caller's transaction covers all of it.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from loket.cases.choices import OPEN_STATUSES, EventKind, RoutingProblem
from loket.cases.model import CaseType, Dossier, DossierEvent, RoutingQueueItem
from loket.cases.routing import AmbiguousPostcode, NoJurisdiction, Router, UnknownPostcode
from loket.store.outbox import OutboxMessage

CHUNK = 900  # stays under every database's limit on bound parameters


@dataclass
class _OpenDossier:
    id: int
    reference: str
    agency: str
    office_id: str
    opened_on: date
    queued_item_ids: list[int] = field(default_factory=list)
    pending_items: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class Transfer:
    reference: str
    from_office: str
    to_office: str


@dataclass(frozen=True)
class Queued:
    reference: str
    office: str
    reason: RoutingProblem
    detail: str


@dataclass(frozen=True)
class Residence:
    """Where a citizen lives from `effective_date` on, as told by address event `event_id`."""

    citizen_id: int
    insz: str
    event_id: str
    effective_date: date
    postcode: str
    country: str


def transfer_notifications(
    about: dict[str, Any], from_office: str, to_office: str, insz: str
) -> list[dict[str, Any]]:
    """The three outbox rows of a transfer: to the old office, the new office and the citizen."""
    payload = {**about, "from_office": from_office, "to_office": to_office}
    return [
        {"topic": topic, "recipient_kind": kind, "recipient_id": recipient, "payload": payload,
         "sent_at": None}
        for topic, kind, recipient in (
            ("dossier-transferred-out", "office", from_office),
            ("dossier-transferred-in", "office", to_office),
            ("dossier-transferred", "citizen", insz),
        )
    ]  # fmt: skip


def chunks(values: list[Any], size: int = CHUNK) -> list[list[Any]]:
    return [values[i : i + size] for i in range(0, len(values), size)]


class ResidenceFollower:
    """Collects the transfers caused by a batch of residence changes, then writes them at once."""

    def __init__(self, session: Session, router: Router, citizen_ids: list[int]) -> None:
        self._session = session
        self._router = router
        self._dossiers: dict[int, list[_OpenDossier]] = defaultdict(list)
        self._load(citizen_ids)
        self._dossier_updates: dict[int, str] = {}
        self._events: list[dict[str, Any]] = []
        self._outbox: list[dict[str, Any]] = []
        self._queue: list[dict[str, Any]] = []
        self._resolved: list[dict[str, Any]] = []
        self._requeued: list[dict[str, Any]] = []

    def _load(self, citizen_ids: list[int]) -> None:
        by_id: dict[int, _OpenDossier] = {}
        for part in chunks(sorted(set(citizen_ids))):
            rows = self._session.execute(
                select(
                    Dossier.id,
                    Dossier.reference,
                    Dossier.agency_code,
                    Dossier.office_id,
                    Dossier.citizen_id,
                    Dossier.opened_on,
                )
                .join(CaseType, CaseType.code == Dossier.case_type)
                .where(
                    CaseType.follows_residence.is_(True),
                    Dossier.status.in_(OPEN_STATUSES),
                    Dossier.citizen_id.in_(part),
                )
                .order_by(Dossier.id)
            )
            for dossier_id, reference, agency, office_id, citizen_id, opened_on in rows:
                item = _OpenDossier(dossier_id, reference, agency, office_id, opened_on)
                self._dossiers[citizen_id].append(item)
                by_id[dossier_id] = item
        for part in chunks(sorted(by_id)):
            queued = self._session.execute(
                select(RoutingQueueItem.id, RoutingQueueItem.dossier_id).where(
                    RoutingQueueItem.dossier_id.in_(part), RoutingQueueItem.resolved_on.is_(None)
                )
            )
            for item_id, dossier_id in queued:
                by_id[dossier_id].queued_item_ids.append(item_id)

    def _problem(self, residence: Residence, agency: str) -> tuple[RoutingProblem, str] | str:
        """The competent office id, or why there is none."""
        if residence.country != "BE":
            return RoutingProblem.MOVED_ABROAD, f"moved abroad ({residence.country})"
        try:
            return self._router.route(residence.postcode, agency, residence.effective_date).id
        except UnknownPostcode as error:
            return RoutingProblem.UNKNOWN_POSTCODE, str(error)
        except AmbiguousPostcode as error:
            return RoutingProblem.AMBIGUOUS_POSTCODE, str(error)
        except NoJurisdiction as error:
            return RoutingProblem.NO_JURISDICTION, str(error)

    def _resolve_queue(self, dossier: _OpenDossier, on: date) -> None:
        """Close the dossier's open routing-queue items: its citizen has a new address."""
        self._resolved.extend(
            {"id": item_id, "resolved_on": on} for item_id in dossier.queued_item_ids
        )
        dossier.queued_item_ids = []
        for item in dossier.pending_items:
            item["resolved_on"] = on
        dossier.pending_items = []

    def follow(self, residence: Residence) -> tuple[list[Transfer], list[Queued]]:
        """React to one residence change; nothing is written until `write()`."""
        transfers: list[Transfer] = []
        queued: list[Queued] = []
        day = residence.effective_date
        for dossier in self._dossiers.get(residence.citizen_id, []):
            outcome = self._problem(residence, dossier.agency)
            if isinstance(outcome, tuple):
                reason, detail = outcome
                self._resolve_queue(dossier, day)
                item = {
                    "dossier_id": dossier.id,
                    "office_id": dossier.office_id,
                    "reason": reason.value,
                    "detail": detail[:300],
                    "address_event_id": residence.event_id,
                    "created_on": day,
                    "resolved_on": None,
                }
                self._queue.append(item)
                dossier.pending_items.append(item)
                self._events.append(
                    self._event(dossier, residence, EventKind.ROUTING_NEEDED, reason=reason.value)
                )
                self._notify(
                    "dossier-needs-routing",
                    "office",
                    dossier.office_id,
                    dossier,
                    residence,
                    reason=reason.value,
                )
                queued.append(Queued(dossier.reference, dossier.office_id, reason, detail))
                continue
            self._resolve_queue(dossier, day)
            if outcome != dossier.office_id:
                transfers.append(self._transfer(dossier, residence, outcome))
        return transfers, queued

    def place_waiting(self, citizen_id: int, history: list[Residence]) -> list[Transfer]:
        """After a late move entered the history: a dossier that waits for routing waits at the
        office competent for the latest routable address since it was opened, as it would had
        the moves arrived in date order. `history` leaves out the current address."""
        transfers: list[Transfer] = []
        newest_first = sorted(history, key=lambda r: r.effective_date, reverse=True)
        for dossier in self._dossiers.get(citizen_id, []):
            if not dossier.queued_item_ids:
                continue
            for residence in newest_first:
                if residence.effective_date < dossier.opened_on:
                    break
                outcome = self._problem(residence, dossier.agency)
                if isinstance(outcome, tuple):
                    continue
                if outcome != dossier.office_id:
                    self._requeued.extend(
                        {"id": item_id, "office_id": outcome} for item_id in dossier.queued_item_ids
                    )
                    transfers.append(self._transfer(dossier, residence, outcome))
                break
        return transfers

    def _transfer(self, dossier: _OpenDossier, residence: Residence, to_office: str) -> Transfer:
        old = dossier.office_id
        self._events.append(
            self._event(
                dossier, residence, EventKind.TRANSFERRED, old, to_office, reason="address-change"
            )
        )
        dossier.office_id = to_office
        self._dossier_updates[dossier.id] = to_office
        self._outbox.extend(
            transfer_notifications(
                {
                    "reference": dossier.reference,
                    "effective_date": residence.effective_date.isoformat(),
                    "address_event_id": residence.event_id,
                },
                old,
                to_office,
                residence.insz,
            )
        )
        return Transfer(dossier.reference, old, to_office)

    @staticmethod
    def _event(
        dossier: _OpenDossier,
        residence: Residence,
        kind: EventKind,
        from_office: str | None = None,
        to_office: str | None = None,
        reason: str | None = None,
    ) -> dict[str, Any]:
        return {
            "dossier_id": dossier.id,
            "kind": kind.value,
            "effective_date": residence.effective_date,
            "from_office_id": from_office,
            "to_office_id": to_office,
            "from_status": None,
            "to_status": None,
            "reason": reason,
            "note": None,
            "address_event_id": residence.event_id,
        }

    def _notify(
        self,
        topic: str,
        recipient_kind: str,
        recipient_id: str,
        dossier: _OpenDossier,
        residence: Residence,
        **extra: str,
    ) -> None:
        self._outbox.append(
            {
                "topic": topic,
                "recipient_kind": recipient_kind,
                "recipient_id": recipient_id,
                "payload": {
                    "reference": dossier.reference,
                    "effective_date": residence.effective_date.isoformat(),
                    "address_event_id": residence.event_id,
                    **extra,
                },
                "sent_at": None,
            }
        )

    def write(self) -> None:
        # render_nulls keeps rows with None values in one batch; without it the ORM starts a new
        # INSERT whenever the set of non-None keys changes (one per row in practice).
        session = self._session
        if self._dossier_updates:
            session.execute(
                update(Dossier),
                [{"id": i, "office_id": o} for i, o in self._dossier_updates.items()],
            )
        if self._resolved:
            session.execute(update(RoutingQueueItem), self._resolved)
        if self._requeued:
            session.execute(update(RoutingQueueItem), self._requeued)
        if self._queue:
            session.execute(
                insert(RoutingQueueItem).execution_options(render_nulls=True), self._queue
            )
        if self._events:
            session.execute(insert(DossierEvent).execution_options(render_nulls=True), self._events)
        if self._outbox:
            session.execute(
                insert(OutboxMessage).execution_options(render_nulls=True), self._outbox
            )
