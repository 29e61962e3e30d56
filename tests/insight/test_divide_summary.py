"""The digital-divide summary and what the map may show of it: nothing that counts fewer than
ten people, shares that add up, the drop-outs per step, and a refresh that only redoes the
periods new events touch."""

from collections import defaultdict
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from loket.insight.channels_model import DivideSummary
from loket.insight.divide import MIN_PEOPLE, REFERENCES, divide_view
from loket.insight.divide_refresh import refresh
from tests.insight.divide_data import ARLON, DAY, GENT, LIEGE, contacts

TODAY = date(2026, 12, 5)
CHANNELS = ("online", "assisted-online", "phone", "counter")


def view_of(sessions: sessionmaker[Session], period: str = "2026", service: str = "*"):
    with sessions.begin() as session:
        refresh(session, TODAY, date(2026, 1, 1))
    with sessions() as session:
        return divide_view(session, period, service)


def test_nine_people_are_hidden_and_ten_are_shown(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        contacts(session, 9, municipality=LIEGE)
        contacts(session, 10, municipality=GENT)
    rows = {row.refnis: row for row in view_of(sessions).rows}
    assert rows[LIEGE].people is None and rows[LIEGE].online is None
    assert rows[GENT].people == 10 and rows[GENT].online == 1.0


def test_the_shares_of_a_municipality_add_up_to_one(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        for channel, people in zip(CHANNELS, (40, 12, 25, 31), strict=True):
            contacts(session, people, channel=channel)
    (gent,) = view_of(sessions).rows
    assert gent.people == 108
    assert abs(sum(s for s in gent.shares.values() if s is not None) - 1.0) < 1e-9
    assert gent.shares == {"online": 40 / 108, "assisted-online": 12 / 108, "phone": 25 / 108,
                           "counter": 31 / 108}  # fmt: skip


def test_a_lone_small_channel_takes_the_next_smallest_with_it(
    sessions: sessionmaker[Session],
) -> None:
    with sessions.begin() as session:
        for channel, people in zip(CHANNELS, (40, 3, 12, 31), strict=True):
            contacts(session, people, channel=channel)
    (gent,) = view_of(sessions).rows
    # Otherwise the 3 people online with help would be 100% minus the three shares shown.
    assert gent.shares["assisted-online"] is None and gent.shares["phone"] is None
    assert gent.shares["online"] == 40 / 86 and gent.shares["counter"] == 31 / 86


def test_drop_outs_are_counted_per_step_and_municipality(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        for step, people in (("identity", 30), ("income", 14), ("details", 4)):
            keys = contacts(session, people, contact="request", outcome="started", step=step)
            contacts(session, 0, contact="request", outcome="abandoned", step=step, keys=keys)
    view = view_of(sessions)
    (gent,) = view.rows
    assert gent.dropouts == (("identity", 30), ("income", 14))  # 4 at details: not shown
    funnel = {s.step: (s.reached, s.abandoned) for s in view.funnel}
    assert funnel == {"identity": (30, 30), "income": (14, 14), "details": (None, None)}
    assert gent.reachable == 48  # everyone gave up an online form


def test_people_who_used_no_online_channel_can_be_reached(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        online = contacts(session, 20, channel="online")
        contacts(session, 0, channel="phone", keys=online)  # they also phoned: still online
        contacts(session, 15, channel="counter")
        contacts(session, 11, channel="phone", municipality=ARLON)
    view = view_of(sessions)
    assert [(row.refnis, row.reachable) for row in view.outreach] == [(GENT, 15), (ARLON, 11)]


def test_a_refresh_redoes_only_the_periods_new_events_touch(
    sessions: sessionmaker[Session],
) -> None:
    with sessions.begin() as session:
        contacts(session, 12, day=DAY)
        first = refresh(session, TODAY)
        assert "2026-03" in first.periods
    with sessions.begin() as session:
        again = refresh(session, TODAY)
        assert again.periods == ("2026", "2026-Q4", "2026-12")  # today and yesterday only
        contacts(session, 3, day=date(2026, 6, 2))
        later = refresh(session, TODAY)
        assert {"2026-06", "2026-Q2", "2026-12"} <= set(later.periods)
        assert "2026-03" not in later.periods
        june = session.scalar(
            select(DivideSummary.people).where(
                DivideSummary.period == "2026-06", DivideSummary.channel == "*"
            )
        )
    assert june == 3


def test_the_reference_figures_are_the_surveys(sessions: sessionmaker[Session]) -> None:
    assert [round(r.share * 100) for r in REFERENCES] == [73, 71, 62, 75]
    assert all("2023" in r.label for r in REFERENCES)


PLACES = st.sampled_from([GENT, LIEGE, ARLON, None])
GROUPS = st.lists(
    st.tuples(PLACES, st.sampled_from(CHANNELS), st.integers(min_value=0, max_value=14)),
    min_size=1,
    max_size=10,
)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(groups=GROUPS)
def test_no_figure_shown_counts_fewer_than_ten_people(sessions, reset, groups) -> None:
    reset()
    people: dict[tuple[str | None, str], set[str]] = defaultdict(set)
    with sessions.begin() as session:
        for place, channel, size in groups:
            people[place, channel] |= set(
                contacts(session, size, municipality=place, channel=channel)
            )
    view = view_of(sessions)
    assert all(n >= MIN_PEOPLE for n in view.displayed_counts())
    for row in view.rows:
        hidden = [c for c, share in row.shares.items() if share is None]
        assert len(hidden) != 1, row  # one hidden share could be worked out from the others
        for channel, share in row.shares.items():
            if share is not None:
                assert len(people[row.refnis, channel]) >= MIN_PEOPLE, (row, channel)
        served = set().union(*(people[row.refnis, c] for c in CHANNELS))
        assert (row.people is None) == (len(served) < MIN_PEOPLE)
