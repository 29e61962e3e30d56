"""Tables for citizens' requests: a draft with its answers until it is submitted."""

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Integer, String, func
from sqlalchemy.orm import Mapped, mapped_column

from loket.store.base import Base


class RequestDraft(Base):
    """A request being filled in, online or at the counter, and what became of it.

    Only a hash of the resume code is kept, like a password.
    """

    __tablename__ = "request_draft"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    resume_code_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    step: Mapped[str] = mapped_column(String(32))
    language: Mapped[str] = mapped_column(String(2))
    channel: Mapped[str] = mapped_column(String(16))
    # The signed-in citizen the request is for; None for a newcomer not logged in.
    citizen_id: Mapped[int | None] = mapped_column(ForeignKey("citizen.id"), index=True)
    # Who filled it in when it was not the citizen: a clerk, or a proxy under a mandate.
    staff_username: Mapped[str | None] = mapped_column(String(64))
    mandate_id: Mapped[int | None] = mapped_column(ForeignKey("mandate.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())
    expires_on: Mapped[date] = mapped_column(Date)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime)
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossier.id"))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
