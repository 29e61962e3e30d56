"""The indicator register as issue 6 asks: only registered indicators may weigh in a selection,
each documented with purpose, legal basis, source and rationale; protected attributes never."""

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from loket.cli.main import app
from loket.control.dossiers import DOSSIER_COLUMNS
from loket.control.register import (
    INDICATOR_CODES,
    INDICATORS,
    PROTECTED_ATTRIBUTES,
    Indicator,
    ProtectedFeature,
    UnregisteredFeature,
    check_indicators,
)
from loket.demo.enterprises import generate_dossiers, write_dossiers_csv


@pytest.fixture(scope="module")
def dossiers_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("register") / "dossiers.csv"
    write_dossiers_csv(out, generate_dossiers(800, seed=5, labels=False))
    return out


def score(dossiers: Path, out: Path, *options: str) -> tuple[int, str]:
    result = CliRunner().invoke(
        app, ["control", "score", "--dossiers", str(dossiers), "--out", str(out), *options]
    )
    return result.exit_code, " ".join(result.output.split())


@pytest.mark.parametrize("code", ["foo", "turnover", "profit_margin", "MARKUP"])
def test_an_unregistered_indicator_is_refused_by_name(code: str) -> None:
    with pytest.raises(UnregisteredFeature, match=f"indicator '{code}' is not in the"):
        check_indicators(["markup", code])


def test_the_refusal_lists_what_is_registered() -> None:
    with pytest.raises(UnregisteredFeature) as refused:
        check_indicators(["foo"])
    assert all(code in str(refused.value) for code in INDICATOR_CODES)


def test_asking_for_no_indicator_is_refused() -> None:
    with pytest.raises(UnregisteredFeature, match="no indicator"):
        check_indicators([])


@pytest.mark.parametrize(
    "code", ["nationality", "sex", "gender", "family_name", "Nationality", "birth-date", "age"]
)
def test_a_protected_attribute_is_refused_as_protected(code: str) -> None:
    with pytest.raises(ProtectedFeature, match=f"indicator '{code}'"):
        check_indicators([code])


@given(st.lists(st.sampled_from(INDICATOR_CODES), min_size=1))
def test_registered_indicators_come_back_once_each_in_register_order(asked: list[str]) -> None:
    chosen = check_indicators(asked)
    assert chosen == tuple(code for code in INDICATOR_CODES if code in set(asked))


@pytest.mark.parametrize("indicator", INDICATORS, ids=INDICATOR_CODES)
def test_every_indicator_is_documented(indicator: Indicator) -> None:
    for name in ("label", "purpose", "legal_basis", "source", "rationale"):
        text = getattr(indicator, name)
        assert isinstance(text, str) and len(text.strip()) >= 15, name


@pytest.mark.parametrize("indicator", INDICATORS, ids=INDICATOR_CODES)
def test_every_indicator_is_built_from_contract_columns_only(indicator: Indicator) -> None:
    """A ratio of input columns, never of a protected attribute."""
    terms = {indicator.numerator, *indicator.denominator.replace("+", " ").split()} - {"1"}
    assert terms <= set(DOSSIER_COLUMNS)
    assert not terms & PROTECTED_ATTRIBUTES
    assert indicator.code not in PROTECTED_ATTRIBUTES


def test_indicator_codes_are_unique() -> None:
    assert len(set(INDICATOR_CODES)) == len(INDICATOR_CODES) == len(INDICATORS)


@pytest.mark.parametrize(
    ("code", "says"),
    [
        ("nationality", "indicator 'nationality': a protected attribute is never a feature"),
        ("foo", "indicator 'foo' is not in the indicator register"),
    ],
)
def test_score_command_refuses_the_indicator_with_exit_2(
    dossiers_file: Path, tmp_path: Path, code: str, says: str
) -> None:
    out = tmp_path / "scores.csv"
    exit_code, output = score(dossiers_file, out, "--indicator", "markup", "--indicator", code)
    assert exit_code == 2
    assert says in output
    assert not out.exists()


def test_score_command_uses_only_the_indicators_asked(dossiers_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "scores.csv"
    exit_code, output = score(dossiers_file, out, "--indicator", "markup", "--json")
    assert exit_code == 0, output
    log = json.loads((tmp_path / "scores.run.json").read_text(encoding="utf-8"))
    # The expected-turnover model derives one registered feature from the inputs asked for.
    assert log["indicators"] == ["markup", "expected_turnover"]
    assert log["parameters"]["indicators"] == ["markup"]
    explanations = out.read_text(encoding="utf-8")
    assert "per worker" not in explanations
    assert "per m²" not in explanations
