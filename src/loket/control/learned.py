"""Learning from past controls, where they exist: an Explainable Boosting Machine over the
registered peer indicators only, each indicator's contribution a curve that can be read and
published, constrained so that a higher ratio can never raise the risk."""

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
from interpret.glassbox import ExplainableBoostingClassifier
from sklearn.metrics import average_precision_score

# Fewer past controls than this, or fewer hits among them, teach nothing reliable.
MIN_CONTROLLED = 500
MIN_HITS = 50

Floats = npt.NDArray[np.float64]


@dataclass
class LearnedModel:
    """The fitted model, what it learned from and how much each indicator weighs."""

    model: ExplainableBoostingClassifier
    indicators: tuple[str, ...]
    controlled: int
    hits: int
    importances: dict[str, float]
    validation: dict[str, float]

    @property
    def beats_peer_score(self) -> bool:
        return (
            self.validation["learned_average_precision"] > self.validation["peer_average_precision"]
        )

    def describe(self) -> dict[str, object]:
        return {
            "kind": "explainable boosting machine (interpret), monotone, no interactions",
            "controlled": self.controlled,
            "hits": self.hits,
            "importances": self.importances,
            "validation": self.validation,
        }


def _matrix(table: pa.Table, indicators: tuple[str, ...]) -> Floats:
    """The z-scores; a ratio that is missing (no floor area) counts as at the peer median, so
    that its absence neither raises nor lowers the risk."""
    matrix = np.column_stack(
        [
            table.column(f"z_{c}").to_numpy(zero_copy_only=False).astype(np.float64)
            for c in indicators
        ]
    )
    return np.asarray(np.nan_to_num(matrix, nan=0.0), dtype=np.float64)


def _fit(
    features: Floats, hits: npt.NDArray[np.bool_], indicators: tuple[str, ...], seed: int
) -> ExplainableBoostingClassifier:
    model = ExplainableBoostingClassifier(
        feature_names=list(indicators),
        interactions=0,
        # Lower than peers may raise the risk; higher than peers never does.
        monotone_constraints=[-1] * len(indicators),
        outer_bags=8,
        n_jobs=1,
        random_state=seed,
    )
    model.fit(features, hits.astype(np.int64))
    return model


def _validation(
    features: Floats,
    hits: npt.NDArray[np.bool_],
    peer: Floats,
    indicators: tuple[str, ...],
    seed: int,
    expected: Floats | None = None,
) -> dict[str, float]:
    """Average precision on half of the past controls, of a model fitted on the other half and
    of the peer score: the learned model is used only where it finds hits better."""
    order = np.random.default_rng(seed).permutation(len(hits))
    train, test = order[: len(order) // 2], order[len(order) // 2 :]
    model = _fit(features[train], hits[train], indicators, seed)
    learned = model.predict_proba(features[test])[:, 1]
    figures = {
        "learned_average_precision": round(float(average_precision_score(hits[test], learned)), 4),
        "peer_average_precision": round(
            float(average_precision_score(hits[test], np.nan_to_num(peer[test], nan=-1e9))), 4
        ),
    }
    if expected is not None:
        # The expected-turnover model learns nothing from the controls: scored as it stands.
        figures["expected_average_precision"] = round(
            float(average_precision_score(hits[test], np.nan_to_num(expected[test], nan=-1e9))),
            4,
        )
    return figures


def learn_from_past_controls(
    table: pa.Table, indicators: tuple[str, ...], seed: int
) -> LearnedModel | None:
    """Fit on the dossiers controlled in the past (a hit: an adjustment above zero); None when
    there are too few to learn from. `validation` says how it and the peer score find hits
    among held-out past controls."""
    controlled = table.filter(pc.equal(table.column("controlled"), True))
    if controlled.num_rows < MIN_CONTROLLED:
        return None
    hits = controlled.column("adjustment_eur").to_numpy(zero_copy_only=False) > 0
    if hits.sum() < MIN_HITS or (~hits).sum() < MIN_HITS:
        return None
    features = _matrix(controlled, indicators)
    peer = controlled.column("peer_score").to_numpy(zero_copy_only=False).astype(np.float64)
    expected = (
        controlled.column("expected_score").to_numpy(zero_copy_only=False).astype(np.float64)
        if "expected_score" in controlled.column_names
        else None
    )
    validation = _validation(features, hits, peer, indicators, seed, expected)
    model = _fit(features, hits, indicators, seed)
    importances = dict(zip(indicators, model.term_importances(), strict=True))
    return LearnedModel(
        model=model,
        indicators=indicators,
        controlled=controlled.num_rows,
        hits=int(hits.sum()),
        importances={name: round(float(value), 4) for name, value in importances.items()},
        validation=validation,
    )


def learned_scores(model: LearnedModel, table: pa.Table) -> Floats:
    """The probability of a hit for each dossier of `table` (columns z_<indicator>)."""
    probabilities = model.model.predict_proba(_matrix(table, model.indicators))[:, 1]
    return np.asarray(probabilities, dtype=np.float64)
