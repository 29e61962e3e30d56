"""The JSON API under /api/v1: one router per resource, described in /openapi.json."""

from fastapi import APIRouter, Depends

from loket.web.api import (
    citizens,
    control,
    documents,
    dossiers,
    exchange,
    health,
    linkage,
    me,
    routing,
    rules,
)
from loket.web.api.nul import refuse_nul_characters

API_PREFIX = "/api/v1"

router = APIRouter(prefix=API_PREFIX, dependencies=[Depends(refuse_nul_characters)])
router.include_router(health.router)
router.include_router(routing.router)
router.include_router(dossiers.router)
router.include_router(documents.router)
router.include_router(citizens.router)
router.include_router(exchange.router)
router.include_router(me.router)
router.include_router(linkage.router)
router.include_router(control.router)
router.include_router(rules.router)
