"""One Router per web worker, reloaded only when jurisdiction or offices change.

Loading the Router reads every postal code, office and jurisdiction row (~30 ms); a page that
routes (a request, a call-back) would pay that on every hit. A cheap fingerprint query decides
whether the cached one is still right, so a jurisdiction import is seen at the next request.
"""

import threading

from fastapi import Request
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from loket.cases.model import Jurisdiction, Office
from loket.cases.routing import Router

_lock = threading.Lock()


def _fingerprint(session: Session) -> tuple[object, ...]:
    jurisdiction = session.execute(
        select(
            func.count(),
            func.max(Jurisdiction.id),
            func.count(Jurisdiction.valid_to),
            func.max(Jurisdiction.valid_from),
            func.max(Jurisdiction.valid_to),
        )
    ).one()
    offices = session.scalar(select(func.count()).select_from(Office))
    return (*jurisdiction, offices)


def current_router(request: Request, session: Session) -> Router:
    """The Router of this worker, as of the database's jurisdiction right now."""
    fingerprint = _fingerprint(session)
    cached: tuple[tuple[object, ...], Router] | None = getattr(request.app.state, "router", None)
    if cached is not None and cached[0] == fingerprint:
        return cached[1]
    router = Router.load(session)
    with _lock:
        request.app.state.router = (fingerprint, router)
    return router
