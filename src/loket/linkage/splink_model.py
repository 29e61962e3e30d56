"""The clear-text Splink model: which fields are compared how, and which pairs are compared.

Comparisons, strongest evidence first (their weights are estimated without labels by EM):
- INSZ: equal; both valid and different (twins, father and son: strong counter-evidence),
  unless a number does not carry its claim's birth date (a family member's number copied:
  then it falls under else); one digit off or two digits swapped (a typing error: evidence,
  not a veto); else.
- family name: equal; equal core without particles (`Van den Broeck` ~ `Broeck`); given and
  family name swapped (allowing a slip in each); Jaro-Winkler >= 0.92, >= 0.85; else —
  term-frequency adjusted, so `Peeters` counts for less than `Vandevelde`.
- given names: equal; same names in another order; swapped with the family name; first names
  equal; a name shared; first
  names Jaro-Winkler >= 0.9; one letter off (`Koen` ~ `Koem`); else.
- birth date: equal; day and month transposed; one character off; same year; else.
- sex: equal; else. Address (same postcode and street, same postcode): weak evidence, since
  people who claim twice give different addresses.

Only pairs that could be a conflict are ever compared: claims at two different OCMWs whose
periods overlap. That condition is part of every blocking rule, so the work grows with the
number of possible conflicts, not with the square of the claims.
"""

import json
from pathlib import Path
from typing import Any

import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import SettingsCreator, block_on
from splink.blocking_rule_library import CustomRule
from splink.internals.blocking_rule_creator import BlockingRuleCreator
from splink.internals.comparison_creator import ComparisonCreator
from splink.internals.comparison_level_creator import ComparisonLevelCreator
from splink.internals.dialects import SplinkDialect

# A conflict needs two OCMWs and overlapping periods; appended to every prediction rule.
CONFLICT_CONDITION = (
    "l.ocmw_refnis <> r.ocmw_refnis AND l.start_date <= r.end_open AND r.start_date <= l.end_open"
)

# Equality keys of the candidate pairs; together they keep >= 99.5% of true pairs on the
# generated Belgian claims (benchmarks/RESULTS.md): any one of them agreeing is enough.
BLOCKING_KEYS: list[tuple[str, ...]] = [
    ("insz",),
    ("family_name_core", "birth_ymd"),
    ("given_first", "birth_ymd"),
    ("family_name_core", "given_first", "birth_year"),
    ("family_name_core", "given_first", "birth_month_day"),
    ("family_name_core", "birth_swapped"),
    ("birth_ymd", "family_prefix"),
    ("birth_ymd", "given_prefix"),
    ("given_first", "birth_swapped"),
    ("family_name_core", "given_first", "postcode"),
    ("given_first", "birth_year", "postcode"),
    ("family_name", "given_first", "swapped"),
    ("birth_ymd", "prefixes_swapped"),
    ("birth_ymd", "postcode"),
    ("postcode", "street", "house_number"),
]
# A claim without birth date: the start of the family name and the first given name, against
# every claim (one direction each, so that each stays a join on equal values).
WITHOUT_BIRTH_RULES = [
    f"{one}.name_key_without_birth = {other}.family_prefix || ' ' || {other}.given_first"
    for one, other in (("l", "r"), ("r", "l"))
]

NAMES_SWAPPED = "family_name_l = given_first_r AND given_first_l = family_name_r"
# Clerks swap the two name fields and mistype a letter in the same stroke, and a hyphenated
# name (`Preston-Stanley`) loses its hyphen in one field and splits in the other.
SWAP_SIMILARITY = 0.9
# Fixed like the dropped second given name: a swap of the two name fields happens on forms
# (about 1 claim in 200), but too rarely in most files for EM to learn it, and left unlearnt
# the level would count for nothing.
NAMES_SWAPPED_M = 0.005


class NamesSwappedLevel(ComparisonLevelCreator):
    """Given and family names swapped: exactly (the first given name), or with at most a slip
    in each (Jaro-Winkler >= SWAP_SIMILARITY on the whole given names, written together)."""

    def create_sql(self, sql_dialect: SplinkDialect) -> str:
        jaro_winkler = sql_dialect.jaro_winkler_function_name
        similar = " AND ".join(
            f"{jaro_winkler}(family_name_{a}, given_compact_{b}) >= {SWAP_SIMILARITY}"
            for a, b in (("l", "r"), ("r", "l"))
        )
        return f"({NAMES_SWAPPED}) OR ({similar})"

    def create_label_for_charts(self) -> str:
        return "given and family names swapped"


# Fixed, not estimated: unsupervised EM takes twins (one family name, birth date and address)
# for one person, and would learn that a differing valid INSZ or wholly different given names
# happen to one person. They do only after a register correction (about 1 in 500) or a
# clerk's slip (about 1 in 100).
VALID_INSZ_DIFFERS_M = 0.002
GIVEN_NAMES_DIFFER_M = 0.01
# Fixed too: a dropped second given name (`Anne Sophie` ~ `Anne`, `Anne Sophie` ~ `Sophie`) is
# common on forms, but too rare in any one file for EM to learn; left to EM these levels came
# out as weak or even strong counter-evidence.
GIVEN_FIRST_EQUAL_M = 0.04
GIVEN_NAME_SHARED_M = 0.04
# A valid number whose date is not its claim's birth date is no counter-evidence: it is most
# likely a family member's (`loket.linkage.standardise`). Unknown dates count as agreeing.
BOTH_CARRY_THEIR_BIRTH_DATE = (
    "coalesce(insz_birth_agrees_l, true) AND coalesce(insz_birth_agrees_r, true)"
)

# The columns the conflicts keep next to the comparison values (for the evidence text).
RETAINED_COLUMNS = [
    "ocmw_refnis",
    "start_date",
    "end_date",
    "family_name_original",
    "given_names_original",
]


def _insz() -> ComparisonCreator:
    return cl.CustomComparison(
        output_column_name="insz",
        comparison_description="INSZ / BIS number",
        comparison_levels=[
            cll.NullLevel("insz"),
            cll.ExactMatchLevel("insz"),
            cll.CustomLevel(
                f"insz_valid_l AND insz_valid_r AND {BOTH_CARRY_THEIR_BIRTH_DATE}",
                label_for_charts="both valid and different",
            ).configure(m_probability=VALID_INSZ_DIFFERS_M, fix_m_probability=True),
            cll.DamerauLevenshteinLevel("insz", 1),
            cll.ElseLevel(),
        ],
    )


def _family_name() -> ComparisonCreator:
    return cl.CustomComparison(
        output_column_name="family_name",
        comparison_description="family name",
        comparison_levels=[
            cll.NullLevel("family_name"),
            cll.ExactMatchLevel("family_name").configure(tf_adjustment_column="family_name"),
            cll.ExactMatchLevel("family_name_core"),
            NamesSwappedLevel().configure(m_probability=NAMES_SWAPPED_M, fix_m_probability=True),
            cll.JaroWinklerLevel("family_name", 0.92),
            cll.JaroWinklerLevel("family_name", 0.85),
            cll.ElseLevel(),
        ],
    )


def _given_names() -> ComparisonCreator:
    return cl.CustomComparison(
        output_column_name="given_names",
        comparison_description="given names",
        comparison_levels=[
            cll.NullLevel("given_names"),
            cll.ExactMatchLevel("given_names"),
            cll.ExactMatchLevel("given_sorted"),
            NamesSwappedLevel().configure(m_probability=NAMES_SWAPPED_M, fix_m_probability=True),
            cll.ExactMatchLevel("given_first").configure(
                m_probability=GIVEN_FIRST_EQUAL_M, fix_m_probability=True
            ),
            cll.ArrayIntersectLevel("given_tokens", min_intersection=1).configure(
                m_probability=GIVEN_NAME_SHARED_M, fix_m_probability=True
            ),
            cll.JaroWinklerLevel("given_first", 0.9),
            cll.DamerauLevenshteinLevel("given_first", 1),
            cll.ElseLevel().configure(m_probability=GIVEN_NAMES_DIFFER_M, fix_m_probability=True),
        ],
    )


def _birth_date() -> ComparisonCreator:
    return cl.CustomComparison(
        output_column_name="birth_date",
        comparison_description="birth date",
        comparison_levels=[
            cll.NullLevel("birth_ymd"),
            cll.ExactMatchLevel("birth_ymd"),
            cll.CustomLevel(
                "birth_ymd_l = birth_swapped_r", label_for_charts="day and month transposed"
            ),
            cll.DamerauLevenshteinLevel("birth_ymd", 1),
            cll.CustomLevel(
                "substr(birth_ymd_l, 1, 4) = substr(birth_ymd_r, 1, 4)",
                label_for_charts="same year",
            ),
            cll.ElseLevel(),
        ],
    )


def _address() -> ComparisonCreator:
    return cl.CustomComparison(
        output_column_name="address",
        comparison_description="address",
        comparison_levels=[
            cll.NullLevel("postcode"),
            cll.And(cll.ExactMatchLevel("postcode"), cll.JaroWinklerLevel("street", 0.9)),
            cll.ExactMatchLevel("postcode"),
            cll.ElseLevel(),
        ],
    )


def comparisons() -> list[ComparisonCreator | dict[str, Any]]:
    return [
        _insz(),
        _family_name(),
        _given_names(),
        _birth_date(),
        cl.ExactMatch("sex"),
        _address(),
    ]


def prediction_rules() -> list[BlockingRuleCreator | dict[str, Any]]:
    """Candidate pairs: an equality key agrees and the two claims could be a conflict."""
    rules: list[BlockingRuleCreator | dict[str, Any]] = []
    for keys in BLOCKING_KEYS:
        if keys[-1] == "birth_swapped":
            equal = f"l.{keys[0]} = r.{keys[0]} AND l.birth_ymd = r.birth_swapped"
        elif keys[-1] == "swapped":
            equal = "l.family_name = r.given_first AND l.given_first = r.family_name"
        elif keys[-1] == "prefixes_swapped":
            equal = (
                f"l.{keys[0]} = r.{keys[0]} AND l.family_prefix = r.given_prefix"
                " AND l.given_prefix = r.family_prefix"
            )
        else:
            equal = " AND ".join(f"l.{key} = r.{key}" for key in keys)
        rules.append(CustomRule(f"{equal} AND {CONFLICT_CONDITION}"))
    for equal in WITHOUT_BIRTH_RULES:
        rules.append(CustomRule(f"{equal} AND {CONFLICT_CONDITION}"))
    return rules


# EM sessions: each fixes the fields it blocks on and estimates the others. A level that no
# session could estimate (a file without INSZ numbers) keeps the shipped model's value.
TRAINING_KEYS: list[tuple[str, ...]] = [("insz",), ("family_name_core", "birth_ymd")]


def training_rules(keys: list[tuple[str, ...]] | None = None) -> list[BlockingRuleCreator]:
    return [block_on(*columns) for columns in (TRAINING_KEYS if keys is None else keys)]


def settings() -> SettingsCreator:
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="claim_id",
        comparisons=comparisons(),
        blocking_rules_to_generate_predictions=prediction_rules(),
        retain_matching_columns=True,
        retain_intermediate_calculation_columns=False,
        additional_columns_to_retain=RETAINED_COLUMNS,
    )


def deterministic_rules() -> list[str | BlockingRuleCreator]:
    """Pairs certainly of one person, used to estimate how often two claims match."""
    return [
        "l.insz = r.insz AND l.insz_valid AND r.insz_valid",
        "l.family_name = r.family_name AND l.given_names = r.given_names"
        " AND l.birth_ymd = r.birth_ymd",
    ]


DEFAULT_MODEL = Path(__file__).with_name("default_model.json")


def default_model() -> dict[str, Any]:
    """The parameters shipped with loket (trained on 200,000 generated Belgian claims), for
    files too small to estimate their own."""
    return dict(json.loads(DEFAULT_MODEL.read_text(encoding="utf-8")))


# Saved with each trained model: how many claims it was trained on.
TRAINING_CLAIMS_KEY = "loket_training_claims"
# Below this many claims, how often a name occurs in the file says little about how common it is.
TERM_FREQUENCY_FROM = 5_000


class ModelMismatch(ValueError):
    """A saved model whose comparisons are not those of this version of loket."""


def for_engine(trained: dict[str, Any], dialect: str, claims: int) -> dict[str, Any]:
    """This version's settings written for the engine's SQL dialect, carrying the trained
    parameters: a model trained in DuckDB scores unchanged on Spark.

    In a file too small to tell a common name from a rare one, names are not weighted by
    their frequency in it. The prior is kept as trained, although a smaller file has fewer
    pairs: scaled up, it let twins' shared name, birth date and address outweigh their two
    valid INSZ numbers; kept, small files err towards raising fewer conflicts.
    """
    fresh = settings().create_settings_dict(dialect)
    fresh["probability_two_random_records_match"] = trained["probability_two_random_records_match"]
    if claims < TERM_FREQUENCY_FROM:
        _without_term_frequencies(fresh)
    # Splink leaves out a comparison whose column is empty in every claim (a file without
    # INSZ numbers), and a level no training session saw has no value: both come from the
    # shipped model.
    shipped_comparisons = {c.get("output_column_name"): c for c in default_model()["comparisons"]}
    saved_comparisons = shipped_comparisons | {
        c.get("output_column_name"): c for c in trained.get("comparisons", [])
    }
    for comparison in fresh["comparisons"]:
        name = comparison["output_column_name"]
        saved = saved_comparisons.get(name)
        if saved is None:
            raise ModelMismatch(f"--model: it has no comparison {name!r}; retrain it")
        levels, saved_levels = comparison["comparison_levels"], saved["comparison_levels"]
        if len(levels) != len(saved_levels):
            raise ModelMismatch(f"--model: the levels of {name!r} differ; retrain it")
        shipped = shipped_comparisons.get(name, saved)["comparison_levels"]
        for level, saved_level, shipped_level in zip(levels, saved_levels, shipped, strict=True):
            for key in ("m_probability", "u_probability"):
                value = saved_level.get(key, shipped_level.get(key))
                if value is not None:
                    level[key] = value
    return fresh


def _without_term_frequencies(model: dict[str, Any]) -> None:
    for comparison in model["comparisons"]:
        for level in comparison["comparison_levels"]:
            level.pop("tf_adjustment_column", None)
            level.pop("tf_adjustment_weight", None)
