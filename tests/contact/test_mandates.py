"""Mandates: pending until the proxy accepts, ended by either side, expired after their date."""

from datetime import date, datetime

import pytest

from loket.contact.mandates import (
    MandateRefused,
    accept,
    act_for,
    active_mandates_for,
    decline,
    mandate_allows,
    mandates_of,
    propose,
    revoke,
)
from loket.contact.problems import InvalidRequest
from loket.logins.service import start_citizen_session
from tests.factories import citizen_at

TODAY = date(2026, 3, 2)
NOW = datetime(2026, 3, 2, 10, 0)


def pair(session):
    return citizen_at(session, "9000"), citizen_at(session, "9000", family_name="Janssens")


def test_a_mandate_is_pending_until_the_proxy_accepts(sessions):
    with sessions.begin() as session:
        grantor, proxy = pair(session)
        mandate = propose(session, grantor.id, proxy.insz, "requests", date(2027, 1, 1), TODAY)
        assert mandate.status == "pending" and mandate.grantor_accepted_at is not None
        assert active_mandates_for(session, proxy.id, TODAY) == []
        with pytest.raises(MandateRefused):
            accept(session, mandate.id, grantor.id, NOW)
        accept(session, mandate.id, proxy.id, NOW)
        assert [m.id for m in active_mandates_for(session, proxy.id, TODAY)] == [mandate.id]
        assert mandate_allows(mandate, "request") and not mandate_allows(mandate, "change")


def test_the_proxy_may_decline(sessions):
    with sessions.begin() as session:
        grantor, proxy = pair(session)
        mandate = propose(session, grantor.id, proxy.insz, "all", date(2027, 1, 1), TODAY)
        decline(session, mandate.id, proxy.id, NOW)
        assert mandate.status == "declined"
        with pytest.raises(MandateRefused):
            accept(session, mandate.id, proxy.id, NOW)


@pytest.mark.parametrize("side", ["grantor", "proxy"])
def test_either_side_may_revoke_and_acting_stops(sessions, side):
    with sessions.begin() as session:
        grantor, proxy = pair(session)
        mandate = propose(session, grantor.id, proxy.insz, "read-only", date(2027, 1, 1), TODAY)
        accept(session, mandate.id, proxy.id, NOW)
        login, _token = start_citizen_session(session, proxy.id, NOW)
        act_for(session, login, mandate.id, TODAY)
        assert login.acting_for_id == grantor.id
        revoke(session, mandate.id, (grantor if side == "grantor" else proxy).id, NOW)
        assert mandate.status == "revoked"
        assert login.acting_for_id is None and login.mandate_id is None
        assert not mandate_allows(mandate, "read")
        with pytest.raises(MandateRefused):
            act_for(session, login, mandate.id, TODAY)


def test_a_stranger_cannot_revoke(sessions):
    with sessions.begin() as session:
        grantor, proxy = pair(session)
        stranger = citizen_at(session, "1000")
        mandate = propose(session, grantor.id, proxy.insz, "all", date(2027, 1, 1), TODAY)
        with pytest.raises(MandateRefused):
            revoke(session, mandate.id, stranger.id, NOW)


def test_a_mandate_expires_after_its_end_date(sessions):
    with sessions.begin() as session:
        grantor, proxy = pair(session)
        mandate = propose(session, grantor.id, proxy.insz, "all", date(2026, 4, 1), TODAY)
        accept(session, mandate.id, proxy.id, NOW)
        assert active_mandates_for(session, proxy.id, date(2026, 4, 1))
        assert active_mandates_for(session, proxy.id, date(2026, 4, 2)) == []
        assert mandate.status == "expired"
        assert [m.status for m in mandates_of(session, grantor.id, date(2026, 4, 2))] == ["expired"]


@pytest.mark.parametrize(
    ("proxy", "scope", "until", "field"),
    [
        ("self", "all", date(2027, 1, 1), "proxy_insz"),
        ("12345", "all", date(2027, 1, 1), "proxy_insz"),
        ("unknown", "all", date(2027, 1, 1), "proxy_insz"),
        ("other", "everything", date(2027, 1, 1), "scope"),
        ("other", "all", TODAY, "valid_until"),
        ("other", "all", date(2031, 3, 3), "valid_until"),
    ],
)
def test_bad_proposals_name_the_field(sessions, proxy, scope, until, field):
    with sessions.begin() as session:
        grantor, other = pair(session)
        insz = {"self": grantor.insz, "other": other.insz, "unknown": "85073003361"}.get(
            proxy, proxy
        )
        with pytest.raises(InvalidRequest) as error:
            propose(session, grantor.id, insz, scope, until, TODAY)
        assert field in error.value.problems
