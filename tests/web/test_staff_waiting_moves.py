"""A case worker sees on the dossier page that the citizen's announced move waits for its day,
and where the citizen will live; once applied, it is the current address and the line is gone."""

from collections.abc import Callable
from datetime import date
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from loket.people.due_moves import apply_due
from loket.people.import_moves import import_moves
from loket.web.pages.rendering import LANGUAGE_COOKIE

IMPORTED = date(2030, 3, 1)
MOVING = date(2030, 3, 20)


def test_the_dossier_page_shows_a_waiting_move_until_its_day(
    pages: TestClient,
    sessions: sessionmaker[Session],
    make_citizen: Callable[..., str],
    make_dossier: Callable[[str, str, str], str],
    sign_in_staff: Callable[..., str],
    tmp_path: Path,
) -> None:
    insz = make_citizen("9000")
    reference = make_dossier(insz, "ocmw", "leefloon")
    path = tmp_path / "moves.csv"
    path.write_text(
        "event_id,insz,effective_date,street,house_number,box,postcode,country\n"
        f"m1,{insz},{MOVING.isoformat()},Meir <b>,12,3,2000,BE\n",
        encoding="utf-8",
    )
    import_moves(sessions, path, on=IMPORTED)
    sign_in_staff(pages, "case-worker", "ocmw", "ocmw-44021")

    pages.cookies.set(LANGUAGE_COOKIE, "en")
    waiting = pages.get(f"/staff/dossiers/{reference}")
    pages.cookies.set(LANGUAGE_COOKIE, "nl")
    in_dutch = pages.get(f"/staff/dossiers/{reference}")

    assert waiting.status_code == 200
    assert "Veldstraat 1, 9000" in waiting.text  # still the current address
    assert "Moves on" in waiting.text
    assert "Meir &lt;b&gt; 12 box 3, 2000 (BE)" in waiting.text
    assert "Verhuist op" in in_dutch.text and "Moves on" not in in_dutch.text

    apply_due(sessions, MOVING)
    pages.cookies.set(LANGUAGE_COOKIE, "en")
    moved = pages.get(f"/staff/dossiers/{reference}")

    sign_in_staff(pages, "case-worker", "ocmw", "ocmw-11002")
    in_antwerpen = pages.get(f"/staff/dossiers/{reference}")

    # The dossier followed to Antwerpen, out of this Gent worker's sight, into Antwerpen's.
    assert moved.status_code == 404
    assert in_antwerpen.status_code == 200
    assert "Meir &lt;b&gt; 12 box 3, 2000 (BE)" in in_antwerpen.text
    assert "Moves on" not in in_antwerpen.text and "Veldstraat" not in in_antwerpen.text
