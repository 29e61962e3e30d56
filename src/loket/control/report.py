"""The report of one control-selection run for managers and the data protection officer:
fairness per group, hot spots with a map, and the model card that says what the run may be used for.
"""

import csv
import json
from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa

from loket.control.fairness import FairnessReport, GroupFairness, fairness_report
from loket.control.hotspot_map import hotspot_map_svg
from loket.control.hotspots import (
    LOW_RATIO_Z,
    Cluster,
    HotSpotResult,
    MunicipalityHotSpot,
    find_hotspots,
)
from loket.control.register import DERIVED_FEATURES, INDICATORS, MODEL_VERSION
from loket.store.csvio import file_sha256

FAIRNESS_CSV = "fairness.csv"
HOTSPOTS_CSV = "hotspots.csv"
HOTSPOTS_SVG = "hotspots.svg"
REPORT_JSON = "report.json"
MODEL_CARD = "model-card.md"
# Below this region parity a difference in selection between regions asks for an explanation
# (the "four-fifths" rule of thumb); it is a prompt for review, not a verdict.
PARITY_ATTENTION = 0.8


@dataclass(frozen=True)
class ReportSummary:
    out_dir: Path
    files: tuple[Path, ...]
    dossiers: int
    selected: int
    random_sample: int
    region_parity: float | None
    demographic_parity_ratio: float | None
    hot_spots: tuple[str, ...]
    cold_spots: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "out_dir": str(self.out_dir),
            "files": [path.name for path in self.files],
            "dossiers": self.dossiers,
            "selected": self.selected,
            "random_sample": self.random_sample,
            "region_parity": self.region_parity,
            "demographic_parity_ratio": self.demographic_parity_ratio,
            "hot_spots": list(self.hot_spots),
            "cold_spots": list(self.cold_spots),
        }


def write_report(
    scored: pa.Table, run_log: dict[str, Any], out_dir: Path, *, seed: int = 0
) -> ReportSummary:
    """Write fairness.csv, hotspots.csv, hotspots.svg, model-card.md and report.json (last,
    with the SHA-256 of the others) into `out_dir`, created when absent."""
    out_dir.mkdir(parents=True, exist_ok=True)
    fairness = fairness_report(scored)
    # Without a markup (no purchases in the input) the other ratios still show a pattern.
    has_markup = "z_markup" in scored.column_names and (
        scored.column("z_markup").null_count < scored.num_rows
    )
    measure = "z_markup" if has_markup else "mean_z"
    hotspots = find_hotspots(scored, measure=measure, seed=seed)
    selections = (
        scored.column("selection").to_pylist() if "selection" in scored.column_names else []
    )
    random_sample = sum(1 for value in selections if value == "random-sample")
    written = [
        _write_csv(
            out_dir / FAIRNESS_CSV, [f.name for f in fields(GroupFairness)], fairness.to_rows()
        ),
        _write_csv(
            out_dir / HOTSPOTS_CSV,
            [f.name for f in fields(MunicipalityHotSpot)],
            hotspots.to_rows(),
        ),
        _write_text(out_dir / HOTSPOTS_SVG, hotspot_map_svg(hotspots)),
        _write_text(out_dir / MODEL_CARD, model_card(run_log, fairness, hotspots, random_sample)),
    ]
    report = {
        "run": {key: run_log.get(key) for key in ("run_id", "model_version", "input_file")},
        "input_sha256": run_log.get("input_sha256"),
        "output_sha256": run_log.get("output_sha256"),
        "written_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "counts": {**dict(run_log.get("counts") or {}), "random_sample_in_table": random_sample},
        "fairness": {**fairness.summary(), "groups": fairness.to_rows()},
        "hotspots": {**hotspots.summary(), "municipalities": hotspots.to_rows()},
        "files": {path.name: file_sha256(path) for path in written},
    }
    written.append(
        _write_text(out_dir / REPORT_JSON, json.dumps(report, ensure_ascii=False, indent=2))
    )
    return ReportSummary(
        out_dir=out_dir,
        files=tuple(written),
        dossiers=fairness.dossiers,
        selected=fairness.selected,
        random_sample=random_sample,
        region_parity=fairness.region_parity,
        demographic_parity_ratio=fairness.demographic_parity_ratio,
        hot_spots=tuple(m.name for m in hotspots.named(Cluster.HOT)),
        cold_spots=tuple(m.name for m in hotspots.named(Cluster.COLD)),
    )


def _write_csv(path: Path, header: Sequence[str], rows: list[dict[str, Any]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=list(header))
        writer.writeheader()
        for row in rows:
            writer.writerow({key: "" if value is None else value for key, value in row.items()})
    return path


def _write_text(path: Path, text: str) -> Path:
    path.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
    return path


def md(text: object) -> str:
    """Text safe inside a Markdown table cell: no markup, no HTML, no cell breaks."""
    escaped = str(text).replace("\\", "\\\\").replace("\n", " ")
    for char in "|*_`[]#":
        escaped = escaped.replace(char, "\\" + char)
    return escaped.replace("<", "&lt;").replace(">", "&gt;")


def _rate(value: float | None, low: float | None, high: float | None) -> str:
    if value is None or low is None or high is None:
        return "–"
    return f"{value:.1%} [{low:.1%}–{high:.1%}]"


def _recorded(run_log: dict[str, Any], key: str) -> str:
    value = run_log.get(key)
    return "not recorded" if value in (None, "") else md(value)


def _count(value: int | None) -> str:
    return "–" if value is None else str(value)


def _ratio(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def model_card(
    run_log: dict[str, Any],
    fairness: FairnessReport,
    hotspots: HotSpotResult,
    random_sample: int,
) -> str:
    """The model card of one run, in Markdown."""
    counts = dict(run_log.get("counts") or {})
    lines = [
        f"# Model card: tax-control selection, run {md(run_log.get('run_id', 'unknown'))}",
        "",
        "## Intended use",
        "",
        "Ranking dossiers of small enterprises for a desk review by a tax official of FPS "
        "Finance, by how far their declared turnover falls below that of comparable "
        "enterprises (same sector, nearby area). The score is a reason to look, not a finding.",
        "",
        "## Must not be used for",
        "",
        "- deciding a tax adjustment, a fine or any other decision about an enterprise without "
        "a human review of the dossier;",
        "- selecting or profiling people by nationality, origin, language, sex, age or any "
        "other protected attribute; such columns are refused at input;",
        "- any purpose other than the selection of tax controls, such as welfare checks or "
        "sharing with other agencies;",
        "- judging municipalities, regions or offices: the hot-spot map is context for planning, "
        "never an input to a score.",
        "",
        "## Indicators",
        "",
        *_indicator_lines(run_log.get("indicators")),
        "",
        "## Model",
        "",
        *_model_lines(run_log.get("model")),
        "",
        "## This run",
        "",
        f"- run id: {md(run_log.get('run_id', 'unknown'))}",
        f"- started: {_recorded(run_log, 'started_at')}; "
        f"finished: {_recorded(run_log, 'finished_at')}",
        f"- input file: {_recorded(run_log, 'input_file')}",
        f"- input SHA-256: {_recorded(run_log, 'input_sha256')}",
        f"- output SHA-256: {_recorded(run_log, 'output_sha256')}",
        f"- model version: {md(run_log.get('model_version', MODEL_VERSION))}",
        "- parameters: "
        + (
            ", ".join(
                f"{md(key)} = {md(json.dumps(value, ensure_ascii=False))}"
                for key, value in sorted(dict(run_log.get("parameters") or {}).items())
            )
            or "none recorded"
        ),
        "",
        "## Selection",
        "",
        "| rows read | scored | rejected | selected | of which random sample |",
        "|---:|---:|---:|---:|---:|",
        f"| {md(counts.get('rows', '–'))} | {md(counts.get('scored', fairness.dossiers))} "
        f"| {md(counts.get('rejected', '–'))} | {md(counts.get('selected', fairness.selected))} "
        f"| {md(counts.get('random_sample', random_sample))} |",
        "",
        "The random sample is selected without regard to the score, so that the hit rate of "
        "risk selection can be compared with chance and the model can be re-calibrated "
        "without the bias of only ever seeing the dossiers it chose.",
        "",
        "## Fairness",
        "",
        *_fairness_lines(fairness),
        "",
        "## Hot spots",
        "",
        *_hotspot_lines(hotspots),
        "",
        "## Limitations",
        "",
        "- Peers are compared on declared figures; an enterprise with an unusual but honest "
        "business model (a bakery that mainly supplies shops, a family firm with unpaid help) "
        "scores as a risk. The explanation of each dossier says which ratio drove its score or, "
        "under the expected-turnover model, how far its turnover lies below what its inputs "
        "predict and from which inputs.",
        "- The expected-turnover model fits one regression per sector; a sector with a very "
        "different business model inside it (wholesale and retail bakeries) predicts worse, "
        "and its spread, not its level, then keeps it from being selected.",
        "- Small peer groups are widened to province, region or country; a dossier compared "
        "nationally is compared with enterprises in other local markets.",
        "- Hit and false-positive rates come from dossiers that were controlled, which were "
        "mostly selected in earlier runs; only the random sample gives an unbiased view.",
        "- Wilson intervals are wide for small groups; a difference between groups inside the "
        "intervals is not evidence of unequal treatment.",
        "- Hot spots describe where low ratios cluster in this input; they depend on which "
        "dossiers were supplied and say nothing about any single enterprise.",
        "",
        "## Human review",
        "",
        "Every selected dossier is reviewed by a tax official before any control is opened. "
        "The official first records their own judgement of the dossier (high, medium or low "
        "risk) without seeing the score; only then are the score, the rank and the "
        "explanation shown. The official then decides (control or no control, with a reason); "
        "decisions against the selection are counted as overrides, and only dossiers a person "
        "decided to control leave the system. The enterprise is told which figures were "
        "compared when a control starts and may contest them. No control, adjustment or "
        "sanction follows "
        "from the score alone (GDPR art. 22).",
    ]
    return "\n".join(lines) + "\n"


def _model_lines(model: object) -> list[str]:
    """How this run scored: the peer score alone, or the learned model with what it learned
    from and how it did on held-out past controls."""
    lines = [
        "Each ratio is compared, after allowing for the sector's size and age effects, with "
        "the same sector in the dossier's arrondissement (widened to province, region or "
        "country below the minimum peer-group size) and with its nearest same-sector "
        "neighbours; the two robust z-scores (median and median absolute deviation) are "
        "averaged. The peer score is Stouffer's combination of the ratios' z-scores. Location "
        "only chooses the peers; it is never a feature.",
        "",
        "The expected-turnover model (model version expected-turnover-1) instead predicts "
        "each dossier's turnover from its own purchases, staff, wage bill, floor area and age "
        "by a robust (Huber) regression per sector, a missing input marked by its own column "
        "rather than dropping the dossier. The regression weighs each input by how well it "
        "predicts turnover in that sector, so a precise input (purchases, where margins are "
        "stable) is not diluted by noisy ones as under equal weights. The sector's median "
        "shortfall in the region, province and arrondissement is allowed for, each shrunk "
        "towards the wider area by n/(n+20), so that a small arrondissement borrows from its "
        "province. The score is how far declared turnover lies below the prediction, in robust "
        "standard deviations (1.4826 times the median absolute residual) of the sector.",
    ]
    if not isinstance(model, dict):
        return lines
    if "name" in model:
        lines += ["", f"- model that scored this run: **{md(model['name'])}**"]
    learned = model if "importances" in model else model.get("learned_model_not_used")
    if isinstance(learned, dict):
        validation = dict(learned.get("validation") or {})
        used = learned is model
        lines += [
            "",
            f"- learned model ({md(learned.get('kind', ''))}): "
            + ("**used for the score**" if used else "fitted but **not used**")
            + f", fitted on {md(learned.get('controlled', '–'))} past controls with "
            f"{md(learned.get('hits', '–'))} hits;",
            "- held-out average precision: learned "
            f"{md(validation.get('learned_average_precision', '–'))}, peer score (ratios) "
            f"{md(validation.get('peer_average_precision', '–'))}, expected turnover "
            f"{md(validation.get('expected_average_precision', '–'))};",
            "- weight of each indicator: "
            + ", ".join(
                f"{md(code)} {md(value)}"
                for code, value in dict(learned.get("importances") or {}).items()
            )
            + ".",
        ]
    return lines


def _indicator_lines(codes: object) -> list[str]:
    used = list(codes) if isinstance(codes, list | tuple) else []
    known = {indicator.code: indicator for indicator in INDICATORS + DERIVED_FEATURES}
    lines = [
        "| code | indicator | ratio | purpose | legal basis | source | rationale |",
        "|---|---|---|---|---|---|---|",
    ]
    for indicator in INDICATORS + DERIVED_FEATURES:
        if indicator in DERIVED_FEATURES and indicator.code not in used:
            continue
        if used and indicator.code not in used:
            continue
        lines.append(
            f"| {md(indicator.code)} | {md(indicator.label)} "
            f"| {md(indicator.numerator)} ÷ {md(_grouped(indicator.denominator))} "
            f"| {md(indicator.purpose)} | {md(indicator.legal_basis)} | {md(indicator.source)} "
            f"| {md(indicator.rationale)} |"
        )
    unknown = [str(code) for code in used if code not in known]
    if unknown:
        lines += [
            "",
            "**Not in the indicator register:** "
            + ", ".join(md(code) for code in unknown)
            + ". A run that used these cannot be accounted for and must not be acted on.",
        ]
    return lines


def _grouped(term: str) -> str:
    """A compound denominator such as employees + 1 reads as one term only in brackets."""
    return f"({term})" if " " in term.strip() else term


def _fairness_lines(fairness: FairnessReport) -> list[str]:
    lines = [
        f"Region parity (lowest ÷ highest ratio of selected share to dossier share): "
        f"{_ratio(fairness.region_parity)}; fairlearn demographic parity ratio across regions: "
        f"{_ratio(fairness.demographic_parity_ratio)}.",
    ]
    if fairness.region_parity is not None and fairness.region_parity < PARITY_ATTENTION:
        lines.append(
            f"The parity is below {PARITY_ATTENTION}: the difference between regions must be "
            "explained (different sector mix, different peer levels) before the selection is used."
        )
    lines += [
        "",
        "Rates with their 95% Wilson interval. Hit rate: selected and controlled dossiers in "
        "which the control found under-declaration. False-positive rate: controlled dossiers "
        "without under-declaration that were selected. fairness.csv has provinces and offices.",
        "",
        "| region | dossiers | selected | selection rate | hit rate | false-positive rate |",
        "|---|---:|---:|---|---|---|",
    ]
    for group in fairness.at_level("region"):
        hit = _rate(group.hit_rate, group.hit_low, group.hit_high)
        fpr = _rate(group.false_positive_rate, group.false_positive_low, group.false_positive_high)
        lines.append(
            f"| {md(group.name)} | {group.dossiers} | {group.selected} "
            f"| {_rate(group.selection_rate, group.selection_low, group.selection_high)} "
            f"| {hit}, n = {_count(group.selected_controlled)} "
            f"| {fpr}, n = {_count(group.controlled_not_hit)} |"
        )
    if not fairness.labelled:
        lines += [
            "",
            "The input had no control outcomes: hit and false-positive rates are unknown.",
        ]
    return lines


def _hotspot_lines(hotspots: HotSpotResult) -> list[str]:
    summary = hotspots.summary()
    measure = "markup" if hotspots.measure == "z_markup" else "mean of the peer z-scores"
    return [
        f"Share of dossiers per municipality whose {measure} is more than {abs(LOW_RATIO_Z):g} "
        f"robust standard deviation below their peers; municipalities with at least "
        f"{hotspots.min_dossiers} dossiers ({len(hotspots.municipalities)}; "
        f"{hotspots.too_few} with fewer left out). {md(summary['method'])}. "
        "Map: hotspots.svg; figures: hotspots.csv.",
        "",
        f"- hot spots ({len(summary['hot'])}): "
        + (", ".join(md(n) for n in summary["hot"]) or "none"),
        f"- cold spots ({len(summary['cold'])}): "
        + (", ".join(md(n) for n in summary["cold"]) or "none"),
        "",
        "Hot spots are context for planning and staffing; they are never an input to a "
        "dossier's score, and a dossier is never selected because of where it is.",
    ]
