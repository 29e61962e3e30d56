"""`loket import moves FILE.csv`: what a clerk sees when a register extract is applied.

Each test writes a moves file, runs the command in-process against the `database_url` database
and checks the JSON summary, the rejects file and what is stored: addresses and dossier offices.
"""

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from click.testing import Result
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from loket.cases.dossiers import open_dossier
from loket.cases.model import Dossier, DossierEvent, RoutingQueueItem
from loket.cases.routing import Router
from loket.cli.main import app
from loket.people.identifiers import validate_insz
from loket.people.model import Address, Citizen
from loket.people.service import NewAddress, add_citizen
from loket.settings import get_settings
from loket.store.engine import make_engine, session_factory
from loket.store.outbox import OutboxMessage

HEADER = ["event_id", "insz", "effective_date", "street", "house_number", "box", "postcode",
          "country"]  # fmt: skip
REGISTERED = date(2020, 1, 1)


def make_insz(birth: date, serial: int) -> str:
    """A national register number with valid check digits (prefix 2 for births from 2000)."""
    first9 = f"{birth:%y%m%d}{serial:03d}"
    base = int(("2" if birth.year >= 2000 else "") + first9)
    number = f"{first9}{97 - base % 97:02d}"
    assert validate_insz(number) == (number, "nn")
    return number


ANNA = make_insz(date(1985, 3, 15), 123)
BRAM = make_insz(date(2001, 7, 2), 45)
NOBODY = make_insz(date(1970, 1, 1), 1)  # valid, but never registered
BAD_CHECKSUM = ANNA[:9] + f"{(int(ANNA[9:]) + 1) % 100:02d}"


@dataclass
class Town:
    """Anna and Bram live in Gent; Anna has three dossiers, Bram one leefloon dossier."""

    url: str
    sessions: sessionmaker[Session]
    anna_leefloon: str
    anna_tax: str
    anna_davo: str
    bram_leefloon: str


@pytest.fixture
def town(database_url: str) -> Iterator[Town]:
    engine = make_engine(database_url)
    sessions = session_factory(engine)
    with sessions.begin() as session:
        for insz, family, given, born in [
            (ANNA, "Peeters", "Anna", date(1985, 3, 15)),
            (BRAM, "Claes", "Bram", date(2001, 7, 2)),
        ]:
            add_citizen(
                session,
                insz=insz,
                family_name=family,
                given_names=given,
                birth_date=born,
                address=NewAddress("Veldstraat", "1", "9000"),
                since=REGISTERED,
            )
        router = Router.load(session)
        refs = [
            open_dossier(
                session, insz=insz, agency=agency, case_type=kind, on=REGISTERED, router=router
            ).reference
            for insz, agency, kind in [
                (ANNA, "ocmw", "leefloon"),
                (ANNA, "fin", "tax-collection"),
                (ANNA, "davo", "maintenance-claim"),
                (BRAM, "ocmw", "leefloon"),
            ]
        ]
    yield Town(database_url, sessions, *refs)
    engine.dispose()


def loket(url: str, *args: str) -> Result:
    """Run the command line in-process on the database at `url`."""
    get_settings.cache_clear()  # the settings are cached per process
    try:
        # Wide enough that Rich does not break a long file path inside a word.
        return CliRunner().invoke(
            app, list(args), env={"LOKET_DATABASE_URL": url, "COLUMNS": "200"}
        )
    finally:
        get_settings.cache_clear()


def write_moves(
    path: Path,
    rows: list[list[str]],
    *,
    header: list[str] = HEADER,
    delimiter: str = ",",
    encoding: str = "utf-8",
    line_end: str = "\n",
) -> Path:
    lines = [delimiter.join(header)] + [delimiter.join(row) for row in rows]
    path.write_bytes((line_end.join(lines) + line_end).encode(encoding))
    return path


def import_moves(town: Town, path: Path) -> dict[str, object]:
    result = loket(town.url, "import", "moves", str(path))
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert isinstance(summary, dict)
    return summary


def addresses(town: Town, insz: str) -> list[tuple[str, str, str, date, date | None]]:
    """The citizen's address history as a table: street, number, postcode, from, to."""
    with town.sessions() as session:
        rows = session.execute(
            select(
                Address.street,
                Address.house_number,
                Address.postcode,
                Address.valid_from,
                Address.valid_to,
            )
            .join(Citizen, Citizen.id == Address.citizen_id)
            .where(Citizen.insz == insz)
            .order_by(Address.valid_from, Address.id)
        )
        return [tuple(row) for row in rows]  # type: ignore[misc]


def offices(town: Town) -> dict[str, str]:
    with town.sessions() as session:
        return dict(session.execute(select(Dossier.reference, Dossier.office_id)).all())


def transfers(town: Town, reference: str) -> list[tuple[str | None, str | None, date, str | None]]:
    """The dossier's `transferred` history lines: from, to, effective date, address event."""
    with town.sessions() as session:
        rows = session.execute(
            select(
                DossierEvent.from_office_id,
                DossierEvent.to_office_id,
                DossierEvent.effective_date,
                DossierEvent.address_event_id,
            )
            .join(Dossier, Dossier.id == DossierEvent.dossier_id)
            .where(Dossier.reference == reference, DossierEvent.kind == "transferred")
            .order_by(DossierEvent.effective_date, DossierEvent.id)
        )
        return [tuple(row) for row in rows]  # type: ignore[misc]


def read_rejects(path: Path) -> dict[str, dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as file:
        return {row["event_id"]: row for row in csv.DictReader(file)}


def test_clean_file_applies_every_row_and_prints_a_json_summary(town: Town, tmp_path: Path) -> None:
    path = write_moves(
        tmp_path / "moves.csv",
        [
            ["m1", ANNA, "2024-05-01", "Meir", "12", "3", "2000", "BE"],
            ["m2", BRAM, "2024-06-01", "Bondgenotenlaan", "7", "", "3000", "BE"],
        ],
    )

    summary = import_moves(town, path)

    assert {k: summary[k] for k in ("applied", "dossiers_transferred", "duplicates_skipped",
                                    "queued_for_routing", "rejected")} == {
        "applied": 2,
        "dossiers_transferred": 3,  # Anna's leefloon and tax dossiers, Bram's leefloon
        "duplicates_skipped": 0,
        "queued_for_routing": 0,
        "rejected": 0,
    }  # fmt: skip
    assert not (tmp_path / "moves.rejects.csv").exists()
    assert addresses(town, ANNA) == [
        ("Veldstraat", "1", "9000", REGISTERED, date(2024, 5, 1)),
        ("Meir", "12", "2000", date(2024, 5, 1), None),
    ]
    assert addresses(town, BRAM) == [
        ("Veldstraat", "1", "9000", REGISTERED, date(2024, 6, 1)),
        ("Bondgenotenlaan", "7", "3000", date(2024, 6, 1), None),
    ]
    assert offices(town) == {
        town.anna_leefloon: "ocmw-11002",  # OCMW Antwerpen
        town.anna_tax: "fin-antwerpen",
        town.anna_davo: "davo-gent",  # maintenance claims do not follow residence
        town.bram_leefloon: "ocmw-24062",  # OCMW Leuven
    }
    assert transfers(town, town.anna_leefloon) == [
        ("ocmw-44021", "ocmw-11002", date(2024, 5, 1), "m1")
    ]


def test_bad_rows_are_rejected_with_line_and_field_and_good_rows_still_apply(
    town: Town, tmp_path: Path
) -> None:
    path = write_moves(
        tmp_path / "moves.csv",
        [
            ["good-1", ANNA, "2024-05-01", "Meir", "12", "", "2000", "BE"],  # line 2
            ["bad-insz", BAD_CHECKSUM, "2024-05-02", "Meir", "1", "", "2000", "BE"],
            ["bad-postcode", BRAM, "2024-05-03", "Meir", "1", "", "12AB", "BE"],
            ["bad-month", BRAM, "2025-13-01", "Meir", "1", "", "2000", "BE"],  # line 5
            ["bad-format", BRAM, "01/02/2025", "Meir", "1", "", "2000", "BE"],
            ["good-1", BRAM, "2024-05-04", "Meir", "1", "", "2000", "BE"],  # line 7: same id
            ["nobody", NOBODY, "2024-05-05", "Meir", "1", "", "2000", "BE"],
            ["good-2", BRAM, "2024-06-01", "Bondgenotenlaan", "7", "", "3000", "BE"],  # line 9
        ],
    )

    summary = import_moves(town, path)

    rejects_file = tmp_path / "moves.rejects.csv"
    assert summary["applied"] == 2
    assert summary["rejected"] == 6
    assert Path(str(summary["rejects_file"])).resolve() == rejects_file.resolve()
    rejects = read_rejects(rejects_file)
    found = {
        (event_id, row["line"], row["reason"].split(":")[0])
        for event_id, row in rejects.items()
        if event_id != "good-1"
    }
    assert found == {
        ("bad-insz", "3", "insz"),
        ("bad-postcode", "4", "postcode"),
        ("bad-month", "5", "effective_date"),
        ("bad-format", "6", "effective_date"),
        ("nobody", "8", "insz"),
    }
    duplicate = rejects["good-1"]
    assert (duplicate["line"], duplicate["reason"].split(":")[0]) == ("7", "event_id")
    assert "line 2" in duplicate["reason"]
    assert duplicate["insz"] == BRAM  # the rejected row itself, not the first one
    assert "12AB" in rejects["bad-postcode"]["reason"]
    assert NOBODY in rejects["nobody"]["reason"]

    assert addresses(town, ANNA)[-1] == ("Meir", "12", "2000", date(2024, 5, 1), None)
    assert addresses(town, BRAM)[-1] == ("Bondgenotenlaan", "7", "3000", date(2024, 6, 1), None)
    assert offices(town)[town.anna_leefloon] == "ocmw-11002"
    assert offices(town)[town.bram_leefloon] == "ocmw-24062"


@pytest.mark.parametrize(
    ("delimiter", "encoding", "line_end"),
    [
        pytest.param(";", "utf-8-sig", "\r\n", id="excel-utf8-bom-semicolon-crlf"),
        pytest.param(";", "utf-8", "\n", id="semicolon"),
        pytest.param(",", "utf-8-sig", "\n", id="utf8-bom"),
        pytest.param(";", "cp1252", "\r\n", id="latin1-semicolon"),
        pytest.param(",", "cp1252", "\n", id="latin1"),
    ],
)
def test_files_from_belgian_excel_import_with_street_names_intact(
    town: Town, tmp_path: Path, delimiter: str, encoding: str, line_end: str
) -> None:
    path = write_moves(
        tmp_path / "moves.csv",
        [
            ["m1", ANNA, "2024-05-01", "Rue de l'Église", "3", "", "1000", "BE"],
            ["m2", BRAM, "2024-05-01", "Bahnhofstraße", "8", "", "4700", "BE"],
        ],
        delimiter=delimiter,
        encoding=encoding,
        line_end=line_end,
    )

    summary = import_moves(town, path)

    assert (summary["applied"], summary["rejected"]) == (2, 0)
    assert addresses(town, ANNA)[-1] == ("Rue de l'Église", "3", "1000", date(2024, 5, 1), None)
    assert addresses(town, BRAM)[-1] == ("Bahnhofstraße", "8", "4700", date(2024, 5, 1), None)
    assert offices(town)[town.bram_leefloon] == "ocmw-63023"  # ÖSHZ Eupen


@pytest.mark.parametrize(
    "name",
    [
        "moves.csv",
        "verhuizingen [januari].csv",  # brackets are not taken as terminal markup
    ],
)
def test_a_file_missing_a_required_column_fails_with_a_clear_message(
    town: Town, tmp_path: Path, name: str
) -> None:
    header = [column for column in HEADER if column != "postcode"]
    path = write_moves(
        tmp_path / name,
        [["m1", ANNA, "2024-05-01", "Meir", "12", "", "BE"]],
        header=header,
    )

    result = loket(town.url, "import", "moves", str(path))

    assert result.exit_code != 0
    message = " ".join(result.stderr.split())
    assert "missing column" in message
    assert "postcode" in message
    assert name in message
    assert addresses(town, ANNA) == [("Veldstraat", "1", "9000", REGISTERED, None)]


@pytest.mark.parametrize(
    "written",
    [
        "2025-13-01",
        "01/02/2025",
        "2024-02-30",
        "20240501",
        "2024-5-1",
        "2024-05-01T00:00",
        "2024-W18-3",  # an ISO week date: not YYYY-MM-DD
    ],
)
def test_an_effective_date_not_written_as_yyyy_mm_dd_is_rejected(
    town: Town, tmp_path: Path, written: str
) -> None:
    path = write_moves(
        tmp_path / "moves.csv", [["m1", ANNA, written, "Meir", "12", "", "2000", "BE"]]
    )

    summary = import_moves(town, path)

    assert (summary["applied"], summary["rejected"]) == (0, 1)
    reject = read_rejects(tmp_path / "moves.rejects.csv")["m1"]
    assert (reject["line"], reject["reason"].split(":")[0]) == ("2", "effective_date")
    assert addresses(town, ANNA) == [("Veldstraat", "1", "9000", REGISTERED, None)]


@pytest.mark.parametrize(
    ("column", "value"),
    [
        pytest.param("street", "Lange " * 40, id="street"),
        pytest.param("house_number", "12 bus 3 achtergebouw links", id="house_number"),
        pytest.param("box", "appartement 3, achterkant links", id="box"),
    ],
)
def test_an_overlong_address_field_does_not_stop_the_file(
    town: Town, tmp_path: Path, request: pytest.FixtureRequest, column: str, value: str
) -> None:
    """The row is rejected naming the field, on every backend; the other rows are applied and
    the summary printed."""
    row = {"event_id": "long", "insz": ANNA, "effective_date": "2024-05-01", "street": "Meir",
           "house_number": "12", "box": "", "postcode": "2000", "country": "BE"}  # fmt: skip
    row[column] = value.strip()
    path = write_moves(
        tmp_path / "moves.csv",
        [
            [f'"{row[c]}"' for c in HEADER],
            ["good", BRAM, "2024-06-01", "Bondgenotenlaan", "7", "", "3000", "BE"],
        ],
    )

    summary = import_moves(town, path)

    assert addresses(town, BRAM)[-1] == ("Bondgenotenlaan", "7", "3000", date(2024, 6, 1), None)
    assert summary["rejected"] == 1
    reject = read_rejects(tmp_path / "moves.rejects.csv")["long"]
    assert reject["reason"].split(":")[0] == column
    assert len(addresses(town, ANNA)) == 1


def test_a_file_that_does_not_exist_fails(town: Town, tmp_path: Path) -> None:
    result = loket(town.url, "import", "moves", str(tmp_path / "nowhere.csv"))

    assert result.exit_code != 0
    assert "nowhere.csv" in " ".join(result.stderr.split())


def test_importing_the_same_file_again_skips_every_row_and_changes_nothing(
    town: Town, tmp_path: Path
) -> None:
    path = write_moves(
        tmp_path / "moves.csv",
        [
            ["m1", ANNA, "2024-05-01", "Meir", "12", "", "2000", "BE"],
            ["m2", BRAM, "2024-06-01", "Bondgenotenlaan", "7", "", "3000", "BE"],
            ["m3", ANNA, "2023-01-01", "Korenmarkt", "2", "", "9000", "BE"],
        ],
    )
    first = import_moves(town, path)

    def state() -> tuple[object, ...]:
        with town.sessions() as session:
            counts = tuple(
                session.scalar(select(func.count()).select_from(table))
                for table in (Address, DossierEvent, OutboxMessage, RoutingQueueItem)
            )
        return addresses(town, ANNA), addresses(town, BRAM), offices(town), counts

    before = state()
    again = import_moves(town, path)

    assert (first["applied"], first["dossiers_transferred"]) == (3, 3)
    assert {k: again[k] for k in ("applied", "filed_in_history", "dossiers_transferred",
                                  "duplicates_skipped", "queued_for_routing", "rejected")} == {
        "applied": 0,
        "filed_in_history": 0,
        "dossiers_transferred": 0,
        "duplicates_skipped": 3,
        "queued_for_routing": 0,
        "rejected": 0,
    }  # fmt: skip
    assert state() == before


def test_rows_out_of_date_order_are_applied_in_effective_date_order(
    town: Town, tmp_path: Path
) -> None:
    path = write_moves(
        tmp_path / "moves.csv",
        [
            ["to-antwerpen", ANNA, "2024-09-01", "Meir", "12", "", "2000", "BE"],
            ["to-leuven", ANNA, "2024-01-01", "Bondgenotenlaan", "7", "", "3000", "BE"],
            ["to-brugge", ANNA, "2024-05-01", "Markt", "1", "", "8000", "BE"],
        ],
    )

    summary = import_moves(town, path)

    assert summary["applied"] == 3
    assert addresses(town, ANNA) == [
        ("Veldstraat", "1", "9000", REGISTERED, date(2024, 1, 1)),
        ("Bondgenotenlaan", "7", "3000", date(2024, 1, 1), date(2024, 5, 1)),
        ("Markt", "1", "8000", date(2024, 5, 1), date(2024, 9, 1)),
        ("Meir", "12", "2000", date(2024, 9, 1), None),
    ]
    assert offices(town)[town.anna_leefloon] == "ocmw-11002"
    assert transfers(town, town.anna_leefloon) == [
        ("ocmw-44021", "ocmw-24062", date(2024, 1, 1), "to-leuven"),
        ("ocmw-24062", "ocmw-31005", date(2024, 5, 1), "to-brugge"),
        ("ocmw-31005", "ocmw-11002", date(2024, 9, 1), "to-antwerpen"),
    ]


def test_an_earlier_move_in_a_later_file_is_filed_in_history_and_moves_no_dossier(
    town: Town, tmp_path: Path
) -> None:
    import_moves(
        town,
        write_moves(
            tmp_path / "week1.csv",
            [["to-antwerpen", ANNA, "2024-09-01", "Meir", "12", "", "2000", "BE"]],
        ),
    )

    summary = import_moves(
        town,
        write_moves(
            tmp_path / "week2.csv",
            [["to-brugge", ANNA, "2024-05-01", "Markt", "1", "", "8000", "BE"]],
        ),
    )

    assert (summary["applied"], summary["filed_in_history"]) == (0, 1)
    assert summary["dossiers_transferred"] == 0
    assert addresses(town, ANNA) == [
        ("Veldstraat", "1", "9000", REGISTERED, date(2024, 5, 1)),
        ("Markt", "1", "8000", date(2024, 5, 1), date(2024, 9, 1)),
        ("Meir", "12", "2000", date(2024, 9, 1), None),
    ]
    assert offices(town)[town.anna_leefloon] == "ocmw-11002"


def routing_queue(town: Town) -> list[tuple[str, str, str, str | None, date | None]]:
    """Open and resolved routing-queue items: dossier, office, reason, address event, resolved."""
    with town.sessions() as session:
        rows = session.execute(
            select(
                Dossier.reference,
                RoutingQueueItem.office_id,
                RoutingQueueItem.reason,
                RoutingQueueItem.address_event_id,
                RoutingQueueItem.resolved_on,
            )
            .join(Dossier, Dossier.id == RoutingQueueItem.dossier_id)
            .order_by(Dossier.reference, RoutingQueueItem.id)
        )
        return [tuple(row) for row in rows]  # type: ignore[misc]


@pytest.mark.parametrize(
    ("postcode", "country", "reason"),
    [("9999", "BE", "unknown-postcode"), ("1012", "NL", "moved-abroad")],
)
def test_a_move_no_office_can_be_named_for_is_applied_and_the_dossier_waits_for_routing(
    town: Town, tmp_path: Path, postcode: str, country: str, reason: str
) -> None:
    path = write_moves(
        tmp_path / "moves.csv",
        [["away", ANNA, "2024-03-01", "Nergensstraat", "1", "", postcode, country]],
    )

    summary = import_moves(town, path)

    assert summary["applied"] == 1
    assert summary["rejected"] == 0
    assert summary["dossiers_transferred"] == 0
    assert summary["queued_for_routing"] == 2  # leefloon and tax collection follow residence
    warnings = " ".join(str(w) for w in summary["warnings"])  # type: ignore[attr-defined]
    assert town.anna_leefloon in warnings and town.anna_tax in warnings
    assert addresses(town, ANNA)[-1] == ("Nergensstraat", "1", postcode, date(2024, 3, 1), None)
    assert offices(town)[town.anna_leefloon] == "ocmw-44021"  # stays at OCMW Gent
    assert offices(town)[town.anna_tax] == "fin-gent"
    assert sorted(routing_queue(town)) == sorted(
        [
            (town.anna_leefloon, "ocmw-44021", reason, "away", None),
            (town.anna_tax, "fin-gent", reason, "away", None),
        ]
    )


def test_an_ambiguous_postcode_queues_only_the_dossiers_it_cannot_route(
    town: Town, tmp_path: Path
) -> None:
    """1040 covers Brussel and Etterbeek: the OCMW cannot be named, the tax office can."""
    path = write_moves(
        tmp_path / "moves.csv",
        [["etterbeek", ANNA, "2024-03-01", "Oudergemlaan", "9", "", "1040", "BE"]],
    )

    summary = import_moves(town, path)

    assert (summary["dossiers_transferred"], summary["queued_for_routing"]) == (1, 1)
    assert offices(town)[town.anna_leefloon] == "ocmw-44021"
    assert offices(town)[town.anna_tax] == "fin-brussel"
    assert routing_queue(town) == [
        (town.anna_leefloon, "ocmw-44021", "ambiguous-postcode", "etterbeek", None)
    ]


def test_a_later_move_to_a_known_postcode_resolves_the_routing_queue(
    town: Town, tmp_path: Path
) -> None:
    path = write_moves(
        tmp_path / "moves.csv",
        [
            ["to-9999", ANNA, "2024-03-01", "Nergensstraat", "1", "", "9999", "BE"],
            ["to-antwerpen", ANNA, "2024-06-01", "Meir", "12", "", "2000", "BE"],
        ],
    )

    summary = import_moves(town, path)

    assert (summary["queued_for_routing"], summary["dossiers_transferred"]) == (2, 2)
    assert offices(town)[town.anna_leefloon] == "ocmw-11002"
    assert offices(town)[town.anna_tax] == "fin-antwerpen"
    assert sorted(routing_queue(town)) == sorted(
        [
            (town.anna_leefloon, "ocmw-44021", "unknown-postcode", "to-9999", date(2024, 6, 1)),
            (town.anna_tax, "fin-gent", "unknown-postcode", "to-9999", date(2024, 6, 1)),
        ]
    )
