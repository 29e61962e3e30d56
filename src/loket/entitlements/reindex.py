"""Recompute every open living-wage dossier after an index jump, and tell the citizens whose
amount changes.

Rules: each open leefloon dossier's newest assessment is recomputed with the amounts in force on
the given day, all at once (one vectorised computation per batch). Only a dossier whose monthly
amount changes gets a new assessment (reason "reindex"), and its citizen one outbox message with
the old and new amount, in their language. A dossier whose newest assessment already applies a
later day is left alone. Running it again for the same day finds nothing to change, so it
neither adds assessments nor notifies twice. The caller's transaction covers all of it.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any

import numpy as np
from sqlalchemy import Select, func, insert, select
from sqlalchemy.orm import Session

from loket.cases.choices import OPEN_STATUSES
from loket.cases.model import Dossier
from loket.entitlements.assessments import LIVING_WAGE_CASE_TYPE
from loket.entitlements.model import LivingWageAssessment
from loket.entitlements.notices import TOPIC, amount_changed_message
from loket.entitlements.situations import living_wage_situation
from loket.people.model import Citizen
from loket.rules import living_wage_amounts, living_wage_category_amounts
from loket.store.outbox import OutboxMessage

BATCH = 50_000
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


def _open_latest() -> Select[Any]:
    """The newest assessment of each open leefloon dossier, with its citizen."""
    newest = select(func.max(A.id).label("id")).group_by(A.dossier_id).subquery()
    return (
        select(
            A.dossier_id,
            A.situation,
            A.category,
            A.eligible,
            A.monthly_amount_cents,
            A.parameters_on,
            Dossier.reference,
            Citizen.insz,
            Citizen.language,
        )
        .join(newest, newest.c.id == A.id)
        .join(Dossier, Dossier.id == A.dossier_id)
        .join(Citizen, Citizen.id == Dossier.citizen_id)
        .where(Dossier.case_type == LIVING_WAGE_CASE_TYPE, Dossier.status.in_(OPEN_STATUSES))
    )


def count_open_assessed(session: Session) -> int:
    """How many open leefloon dossiers have an assessment to recompute."""
    return int(session.scalar(select(func.count()).select_from(_open_latest().subquery())) or 0)


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
    total = count_open_assessed(session)
    done = changed = newer = 0
    # insz -> [(reference, old cents, new cents)]: one message per citizen, even when their
    # dossiers fall in different batches.
    by_citizen: dict[str, list[tuple[str, int, int]]] = defaultdict(list)
    languages: dict[str, str] = {}
    last = 0
    while True:
        rows = session.execute(
            _open_latest().where(A.dossier_id > last).order_by(A.dossier_id).limit(batch)
        ).all()
        if not rows:
            break
        last = rows[-1].dossier_id
        current = [row for row in rows if row.parameters_on <= on]
        newer += len(rows) - len(current)
        if current:
            amounts = living_wage_amounts([living_wage_situation(r.situation) for r in current], on)
            cents = np.rint(np.asarray(amounts, dtype=np.float64) * 100).astype(np.int64)
            old = np.fromiter((r.monthly_amount_cents for r in current), np.int64, len(current))
            new_rows: list[dict[str, Any]] = []
            for index in np.flatnonzero(cents != old):
                row = current[int(index)]
                new = int(cents[index])
                new_rows.append(
                    {
                        "dossier_id": row.dossier_id,
                        "situation": row.situation,
                        "category": row.category,
                        "eligible": row.eligible,
                        "monthly_amount_cents": new,
                        "parameters_on": on,
                        "reason": "reindex",
                        "computed_by": "reindex",
                        "computed_at": now,
                    }
                )
                by_citizen[row.insz].append((row.reference, row.monthly_amount_cents, new))
                languages[row.insz] = row.language
            if new_rows:
                session.execute(insert(A), new_rows)
            changed += len(new_rows)
        done += len(rows)
        if progress:
            progress(done, total)
    notices = {insz: (languages[insz], changes) for insz, changes in by_citizen.items()}
    _notify(session, on, notices, now)
    return ReindexSummary(
        on=on,
        recomputed=done - newer,
        changed=changed,
        unchanged=done - newer - changed,
        newer=newer,
        notified=len(notices),
    )


def _notify(
    session: Session,
    on: date,
    notices: dict[str, tuple[str, list[tuple[str, int, int]]]],
    now: datetime,
) -> None:
    rows = [
        {
            "topic": TOPIC,
            "recipient_kind": "citizen",
            "recipient_id": insz,
            "payload": amount_changed_message(language, on, changes),
            "created_at": now,
            "sent_at": None,
        }
        for insz, (language, changes) in notices.items()
    ]
    for start in range(0, len(rows), BATCH):
        session.execute(
            insert(OutboxMessage).execution_options(render_nulls=True),
            rows[start : start + BATCH],
        )
