"""`GET /api/v1/health`: is the service up and can it reach its database."""

from fastapi import APIRouter, Response
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from loket import __version__
from loket.cases.model import Office
from loket.people.model import Citizen
from loket.web.api.schemas import Health
from loket.web.db import SessionDep

router = APIRouter(tags=["service"])


@router.get(
    "/health",
    response_model=Health,
    responses={503: {"model": Health, "description": "The database cannot be reached."}},
)
def health(session: SessionDep, response: Response) -> Health:
    """Whether loket and its database answer, with how many citizens and offices it knows."""
    try:
        citizens = session.scalar(select(func.count()).select_from(Citizen))
        offices = session.scalar(select(func.count()).select_from(Office))
    except SQLAlchemyError:
        session.rollback()
        response.status_code = 503
        return Health(
            status="unavailable",
            database="unavailable",
            version=__version__,
            citizens=None,
            offices=None,
        )
    return Health(
        status="ok", database="ok", version=__version__, citizens=citizens, offices=offices
    )
