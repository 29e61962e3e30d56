"""`GET /api/v1/rules/…`: public estimates with their steps and references, and refusals that
name the parameter."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from loket.web.app import create_app

LIVING_WAGE = "/api/v1/rules/living-wage"
ADVANCE = "/api/v1/rules/maintenance-advance"


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    """The app; these routes never open the database, so no database is set up for them."""
    with TestClient(create_app(f"sqlite:///{tmp_path / 'unused.db'}")) as test_client:
        yield test_client


def test_living_wage_needs_no_token_and_shows_steps_with_articles(client: TestClient) -> None:
    answer = client.get(
        LIVING_WAGE,
        params={"category": "single", "on": "2025-03-01", "monthly_net_resources_eur": "500"},
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["monthly_amount_eur"] == "835.03" and body["eligible"] is True
    articles = [step["reference"]["article"] for step in body["steps"] if step["reference"]]
    assert "art. 22, § 1, b)" in articles and "art. 14, § 2" in articles


def test_living_wage_lists_unmet_conditions(client: TestClient) -> None:
    answer = client.get(LIVING_WAGE, params={"category": "family", "on": "2025-03-01", "age": 16})
    body = answer.json()
    assert body["monthly_amount_eur"] == "0.00"
    assert body["unmet_conditions"] == ["Under 18, and none of the exceptions for minors applies"]


def test_bad_parameters_are_refused_naming_them(client: TestClient) -> None:
    early = client.get(LIVING_WAGE, params={"category": "single", "on": "2022-12-31"})
    assert early.status_code == 422
    assert early.json()["detail"]["parameter"] == "on"
    assert "2023-01-01" in early.json()["detail"]["message"]
    more_earned = client.get(
        LIVING_WAGE,
        params={
            "category": "single",
            "on": "2025-03-01",
            "monthly_net_resources_eur": 10,
            "monthly_employment_income_eur": 20,
        },
    )
    assert more_earned.status_code == 422
    assert more_earned.json()["detail"]["parameter"] == "monthly_employment_income_eur"
    assert client.get(LIVING_WAGE, params={"category": "rich"}).status_code == 422


def test_maintenance_advance_caps_each_child(client: TestClient) -> None:
    answer = client.get(
        ADVANCE,
        params={
            "creditor_domiciled_in_belgium": "true",
            "enforceable_title": "true",
            "missed_payments_last_12_months": 2,
            "child_amount_eur": [250, 100],
            "child_disabled": ["false", "true"],
            "creditor_monthly_net_income_eur": 2500,
            "on": "2025-03-01",
        },
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["per_child_eur"] == ["175.00", "100.00"]
    assert body["surcharge_rate"] == "0.13"


def test_maintenance_advance_refuses_a_day_before_the_ceiling_is_known(client: TestClient) -> None:
    answer = client.get(
        ADVANCE,
        params={
            "creditor_domiciled_in_belgium": "true",
            "enforceable_title": "true",
            "missed_payments_last_12_months": 2,
            "child_amount_eur": [100],
            "on": "2010-01-01",
        },
    )
    assert answer.status_code == 422 and answer.json()["detail"]["parameter"] == "on"


def test_parameters_on_a_day_carry_reference_and_uncertain_flag(client: TestClient) -> None:
    body = client.get("/api/v1/rules/parameters", params={"on": "2026-03-01"}).json()
    by_name = {row["name"]: row for row in body["parameters"]}
    single = by_name["living_wage.amounts.single"]
    assert single["value"] == 1340.48 and single["uncertain"] is True
    assert single["valid_from"] == "2026-02-01"
    spi = client.get("/api/v1/rules/parameters", params={"on": "2025-03-01"}).json()
    row = {r["name"]: r for r in spi["parameters"]}["living_wage.socio_professional_exemption"]
    assert row["value"] == 309.48 and row["uncertain"] is False
    assert row["reference"]["article"] == "art. 35, § 1"
