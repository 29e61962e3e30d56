"""A tax-control run for the demo: synthetic enterprise dossiers scored, their selection loaded
for review, so that an analyst can try the blind review as soon as `loket demo` is up."""

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, make_url, select
from sqlalchemy.orm import Session

from loket.control.model import ControlRun, ControlSelection, SelectionStatus
from loket.control.output import report_dir, write_scores
from loket.control.report import write_report
from loket.control.review import load_selection
from loket.control.score import ScoreOptions, score_dossiers
from loket.demo.enterprises import DOSSIER_YEAR, generate_dossiers, write_dossiers_csv

DEMO_DOSSIERS = 20_000
DEMO_TOP = 200
WORKDIR_NAME = "control-demo"
DOSSIERS_FILE = "dossiers.csv"
SCORES_FILE = "scores.csv"
_OPEN = (SelectionStatus.AWAITING_ASSESSMENT.value, SelectionStatus.AWAITING_DECISION.value)


@dataclass(frozen=True)
class ControlDemoSummary:
    """What seeding left: `created` is False when the database already had a control run, and
    then `dossiers` is 0 and `scores_csv` None, as nothing was generated."""

    run_id: str
    created: bool
    dossiers: int
    selected: int
    awaiting_review: int
    scores_csv: Path | None

    def as_json(self) -> dict[str, object]:
        return {
            "run_id": self.run_id,
            "created": self.created,
            "dossiers": self.dossiers,
            "selected": self.selected,
            "awaiting_review": self.awaiting_review,
            "scores_csv": str(self.scores_csv) if self.scores_csv else None,
        }


def control_workdir(database_url: str) -> Path:
    """`control-demo/` beside the demo's SQLite database (`var/` by default); with a database
    server there is no such folder, and `var/control-demo/` under the working directory serves."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        return Path(str(url.database)).parent / WORKDIR_NAME
    return Path("var") / WORKDIR_NAME


def seed_control_run(
    session: Session, workdir: Path, seed: int, *, dossiers: int = DEMO_DOSSIERS
) -> ControlDemoSummary:
    """Generate `dossiers` labelled enterprise dossiers into `workdir`, score them as
    `loket control score --top 200 --seed SEED` does (scores CSV, run log, scored table and
    the report with its model card beside it) and load the selection for review, every
    dossier awaiting a person's assessment.

    A database that already holds a control run is left alone: the demo never puts a second
    run next to one that reviewers may have started on."""
    existing = session.scalar(
        select(ControlRun.run_id).order_by(ControlRun.loaded_at.desc()).limit(1)
    )
    if existing is not None:
        return ControlDemoSummary(
            run_id=existing,
            created=False,
            dossiers=0,
            selected=_count(session, existing),
            awaiting_review=_count(session, existing, open_only=True),
            scores_csv=None,
        )
    workdir.mkdir(parents=True, exist_ok=True)
    dossiers_csv = workdir / DOSSIERS_FILE
    write_dossiers_csv(dossiers_csv, generate_dossiers(dossiers, seed, labels=True))
    # The fiscal year the generated dossiers describe, whatever today's date.
    options = ScoreOptions(top=DEMO_TOP, seed=seed, reference_year=DOSSIER_YEAR)
    run = score_dossiers(dossiers_csv, options)
    scores_csv = workdir / SCORES_FILE
    write_scores(run, scores_csv, only_selected=True)
    write_report(run.table, run.run_log, report_dir(scores_csv), seed=seed)
    loaded = load_selection(session, scores_csv)
    return ControlDemoSummary(
        run_id=loaded.run_id,
        created=True,
        dossiers=dossiers,
        selected=loaded.selected,
        awaiting_review=_count(session, loaded.run_id, open_only=True),
        scores_csv=scores_csv,
    )


def _count(session: Session, run_id: str, *, open_only: bool = False) -> int:
    query = select(func.count()).where(ControlSelection.run_id == run_id)
    if open_only:
        query = query.where(ControlSelection.status.in_(_OPEN))
    return int(session.scalar(query) or 0)
