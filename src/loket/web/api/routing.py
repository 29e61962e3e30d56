"""`GET /api/v1/route`: the office of an agency competent for a postal code."""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from loket.cases.routing import (
    AmbiguousPostcode,
    NoJurisdiction,
    Router,
    UnknownAgency,
    UnknownPostcode,
)
from loket.web.api.errors import api_error, responses
from loket.web.api.schemas import AmbiguousPostcodeBody, Office, Route
from loket.web.db import SessionDep

router = APIRouter(tags=["routing"])


@router.get(
    "/route",
    response_model=Route,
    responses={
        **responses(404, 422),
        409: {"model": AmbiguousPostcodeBody, "description": "The postal code is ambiguous."},
    },
)
def route(
    session: SessionDep,
    postcode: Annotated[str, Query(max_length=12, description="A Belgian postal code.")],
    agency: Annotated[str, Query(max_length=16, description="ocmw, fin, davo or podmi.")] = "ocmw",
    on: Annotated[date | None, Query(description="The day, YYYY-MM-DD; today if absent.")] = None,
    municipality: Annotated[
        str | None,
        Query(max_length=5, description="REFNIS code settling a postal code with several."),
    ] = None,
) -> Route:
    """Name the office of `agency` competent for `postcode` on `on`.

    A postal code covering several municipalities gives 409 with the candidates; pass one of
    their `municipality` codes to choose.
    """
    try:
        office = Router.load(session).route(postcode, agency, on, municipality)
    except UnknownAgency as error:
        raise api_error(422, "unknown-agency", str(error), "agency") from None
    except UnknownPostcode as error:
        raise api_error(404, "unknown-postcode", str(error), "postcode") from None
    except AmbiguousPostcode as error:
        candidates = [c.__dict__ for c in error.candidates]
        raise api_error(
            409, "ambiguous-postcode", str(error), "postcode", candidates=candidates
        ) from None
    except NoJurisdiction as error:
        raise api_error(404, "no-jurisdiction", str(error), "postcode") from None
    return Route(postcode=postcode, agency=agency, office=Office(**office.as_json()))
