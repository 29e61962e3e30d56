"""Recompute every open living-wage dossier after an index jump, and tell the citizens whose
amount changes.

Rules: each open leefloon dossier's newest assessment is recomputed with the amounts in force on
the given day, all at once (one vectorised computation per batch). Only a dossier whose monthly
amount changes gets a new assessment (reason "reindex"). When the living wage is being paid (the
dossier is active) its citizen gets one outbox message with the old and new amount, in their
language; a request not yet decided gets its new estimate without a message. A dossier whose
newest assessment already applies a later day is left alone. Running it again for the same day
finds nothing to change, so it neither adds assessments nor notifies twice. The caller's
transaction covers all of it.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any

import numpy as np
from sqlalchemy import (
    Date,
    DateTime,
    Integer,
    Select,
    String,
    bindparam,
    func,
    insert,
    literal,
    select,
)
from sqlalchemy.orm import Session

from loket.cases.choices import OPEN_STATUSES, DossierStatus
from loket.cases.model import Dossier
from loket.entitlements.assessments import LIVING_WAGE_CASE_TYPE
from loket.entitlements.model import LivingWageAssessment
from loket.entitlements.notices import TOPIC, amount_changed_message
from loket.entitlements.situations import living_wage_situation
from loket.people.model import Citizen
from loket.rules import living_wage_amounts, living_wage_category_amounts
from loket.store.outbox import OutboxMessage

BATCH = 50_000
# Only a citizen who is being paid the living wage is told that the amount changes.
PAID_STATUS = DossierStatus.ACTIVE.value
A = LivingWageAssessment


@dataclass(frozen=True)
class ReindexSummary:
    on: date
    recomputed: int
    changed: int
    unchanged: int
    # Dossiers whose newest assessment already applies a later day.
    newer: int
    notified: int

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["on"] = self.on.isoformat()
        return data


def _open_latest(*columns: Any, after: int = 0) -> Select[Any]:
    """`columns` of the newest assessment of each open leefloon dossier (numbered above `after`)
    and its citizen."""
    newest = (
        select(func.max(A.id).label("id"))
        .where(A.dossier_id > after)
        .group_by(A.dossier_id)
        .subquery()
    )
    return (
        select(*columns)
        .select_from(A)
        .join(newest, newest.c.id == A.id)
        .join(Dossier, Dossier.id == A.dossier_id)
        .join(Citizen, Citizen.id == Dossier.citizen_id)
        .where(Dossier.case_type == LIVING_WAGE_CASE_TYPE, Dossier.status.in_(OPEN_STATUSES))
    )


# A new assessment as a copy of the old one (its situation is not read back and written again)
# with the new amount, day and reason; executed once per changed dossier, in one batch.
_REINDEXED_COPY = insert(LivingWageAssessment).from_select(
    [
        "dossier_id",
        "situation",
        "category",
        "eligible",
        "monthly_amount_cents",
        "parameters_on",
        "reason",
        "computed_by",
        "computed_at",
    ],
    select(
        A.dossier_id,
        A.situation,
        A.category,
        A.eligible,
        bindparam("new_cents", type_=Integer),
        bindparam("on", type_=Date),
        literal("reindex", String),
        literal("reindex", String),
        bindparam("now", type_=DateTime),
    ).where(A.id == bindparam("old_id")),
)


def _count(session: Session, *conditions: Any) -> int:
    return int(session.scalar(_open_latest(func.count()).where(*conditions)) or 0)


def reindex_living_wage(
    session: Session,
    on: date,
    *,
    progress: Callable[[int, int], None] | None = None,
    batch: int = BATCH,
    now: datetime | None = None,
) -> ReindexSummary:
    """Recompute the open living-wage dossiers with the amounts of `on` (see the module rules)."""
    now = now or datetime.now()
    # A day before the first known amounts is refused at once, naming the date.
    living_wage_category_amounts(on)
    newer = _count(session, A.parameters_on > on)
    total = _count(session, A.parameters_on <= on)
    done = changed = 0
    # insz -> [(reference, old cents, new cents)]: one message per citizen, even when their
    # dossiers fall in different batches.
    by_citizen: dict[str, list[tuple[str, int, int]]] = defaultdict(list)
    languages: dict[str, str] = {}
    connection = session.connection()
    columns = (
        A.dossier_id,
        A.id,
        A.situation,
        A.monthly_amount_cents,
        Dossier.reference,
        Citizen.insz,
        Citizen.language,
        Dossier.status,
    )
    last = 0
    while True:
        # Plain rows through the connection: the ORM would only add work per row here. The
        # newest assessments are looked for only past the last page.
        page = _open_latest(*columns, after=last).where(A.parameters_on <= on)
        rows = connection.execute(page.order_by(A.dossier_id).limit(batch)).all()
        if not rows:
            break
        last = rows[-1][0]
        amounts = living_wage_amounts([living_wage_situation(row[2]) for row in rows], on)
        cents = np.rint(np.asarray(amounts, dtype=np.float64) * 100).astype(np.int64)
        old = np.fromiter((row[3] for row in rows), np.int64, len(rows))
        copies: list[dict[str, Any]] = []
        for index in np.flatnonzero(cents != old).tolist():
            _dossier, old_id, _situation, was, reference, insz, language, status = rows[index]
            new = int(cents[index])
            copies.append({"old_id": old_id, "new_cents": new, "on": on, "now": now})
            if status == PAID_STATUS:
                by_citizen[insz].append((reference, was, new))
                languages[insz] = language
        if copies:
            connection.execute(_REINDEXED_COPY, copies)
        changed += len(copies)
        done += len(rows)
        if progress:
            progress(done, total)
    notices = {insz: (languages[insz], changes) for insz, changes in by_citizen.items()}
    _notify(session, on, notices)
    return ReindexSummary(
        on=on,
        recomputed=done,
        changed=changed,
        unchanged=done - changed,
        newer=newer,
        notified=len(notices),
    )


def _notify(
    session: Session,
    on: date,
    notices: dict[str, tuple[str, list[tuple[str, int, int]]]],
) -> None:
    statement = insert(OutboxMessage)
    citizens = list(notices.items())
    # Built and written a batch at a time, so that the messages never all sit in memory.
    for start in range(0, len(citizens), BATCH):
        rows = [
            {
                "topic": TOPIC,
                "recipient_kind": "citizen",
                "recipient_id": insz,
                "payload": amount_changed_message(language, on, changes),
            }
            for insz, (language, changes) in citizens[start : start + BATCH]
        ]
        session.connection().execute(statement, rows)
