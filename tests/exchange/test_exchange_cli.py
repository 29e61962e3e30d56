"""`loket exchange` as DESIGN.md promises it: grant prints an id, consult --json prints the
released fields, and a refusal prints its reason and exits 3."""

import json
from datetime import date

from click.testing import Result
from factories import make_insz
from typer.testing import CliRunner

from loket.cli.main import app
from loket.settings import get_settings

INSZ = make_insz(date(1979, 2, 14), 131)


def loket(url: str, *args: str) -> Result:
    get_settings.cache_clear()
    try:
        return CliRunner().invoke(app, list(args), env={"LOKET_DATABASE_URL": url})
    finally:
        get_settings.cache_clear()


def setup(url: str) -> str:
    """A citizen in Gent with a leefloon dossier and a case worker of the Gent OCMW."""
    add = loket(
        url, "citizen", "add", "--insz", INSZ, "--family-name", "Claes", "--given-names", "Lotte",
        "--birth-date", "1979-02-14", "--street", "Veldstraat", "--house-number", "3",
        "--postcode", "9000",
    )  # fmt: skip
    assert add.exit_code == 0, add.output
    opened = loket(url, "dossier", "open", "--insz", INSZ, "--agency", "ocmw", "--type", "leefloon")
    assert opened.exit_code == 0, opened.output
    user = loket(
        url, "user", "add", "--username", "lotte.worker", "--role", "case-worker",
        "--agency", "ocmw", "--office", "ocmw-44021",
    )  # fmt: skip
    assert user.exit_code == 0, user.output
    return opened.stdout.strip()


def consult(url: str, category: str, *extra: str) -> Result:
    return loket(
        url, "exchange", "consult", "--user", "lotte.worker", "--insz", INSZ,
        "--category", category, "--purpose", "leefloon-eligibility", "--json", *extra,
    )  # fmt: skip


def test_grant_then_consult_prints_the_released_fields(database_url: str) -> None:
    dossier = setup(database_url)
    granted = loket(
        database_url, "exchange", "grant", "--agency", "ocmw", "--category", "identity",
        "--purpose", "leefloon-eligibility", "--legal-basis", "Art. 19 Wet 26 mei 2002",
        "--from", "2020-01-01", "--dossier-type", "leefloon", "--embargo-days", "0",
    )  # fmt: skip
    assert granted.exit_code == 0, granted.output
    assert granted.stdout.strip().isdigit()
    result = consult(database_url, "identity", "--dossier", dossier)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {
        "insz": INSZ,
        "family_name": "Claes",
        "given_names": "Lotte",
        "birth_date": "1979-02-14",
        "language": "nl",
    }


def test_a_refusal_prints_the_reason_and_exits_3(database_url: str) -> None:
    setup(database_url)
    result = consult(database_url, "income-tax")
    assert result.exit_code == 3
    assert json.loads(result.stdout)["error"] == "no-authorisation"
    assert "no-authorisation" in result.stderr


def test_a_revoked_grant_no_longer_releases(database_url: str) -> None:
    setup(database_url)
    granted = loket(
        database_url, "exchange", "grant", "--agency", "ocmw", "--category", "address",
        "--purpose", "leefloon-eligibility", "--legal-basis", "Art. 19", "--from", "2020-01-01",
        "--no-dossier-required",
    )  # fmt: skip
    authorisation = granted.stdout.strip()
    assert consult(database_url, "address").exit_code == 0
    revoked = loket(database_url, "exchange", "revoke", authorisation, "--reason", "annulled")
    assert revoked.exit_code == 0, revoked.output
    refused = consult(database_url, "address")
    assert refused.exit_code == 3
    assert json.loads(refused.stdout)["error"] == "authorisation-revoked"


def test_a_bad_grant_names_the_parameter_and_exits_2(database_url: str) -> None:
    result = loket(
        database_url, "exchange", "grant", "--agency", "ocmw", "--category", "shoe-size",
        "--purpose", "leefloon-eligibility", "--legal-basis", "x", "--from", "2020-01-01",
    )  # fmt: skip
    assert result.exit_code == 2
    assert "category:" in result.stderr
    bad_day = loket(
        database_url, "exchange", "grant", "--agency", "ocmw", "--category", "identity",
        "--purpose", "leefloon-eligibility", "--legal-basis", "x", "--from", "2020-13-01",
    )  # fmt: skip
    assert bad_day.exit_code == 2
    assert "from:" in bad_day.stderr
