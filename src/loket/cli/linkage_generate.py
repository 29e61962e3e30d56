"""`loket linkage generate`: synthetic claims files with their truth, for trying and measuring
the detector (the independent generator was designed apart from the detector's own data)."""

from pathlib import Path

import typer

from loket.cli.common import fail, print_json, progress_bar

app = typer.Typer()
GENERATORS = ("belgian", "independent")


@app.command("generate")
def generate(
    claims: int = typer.Option(..., "--claims", min=1, help="number of claims"),
    out: Path = typer.Option(..., "--out", dir_okay=False, help="claims CSV to write"),
    truth: Path = typer.Option(
        None, "--truth", dir_okay=False, help="also write claim_id -> person_id here"
    ),
    generator: str = typer.Option(
        "belgian",
        "--generator",
        help="belgian (loket's own test data) or independent (designed apart from the detector)",
    ),
    missing_insz: float = typer.Option(
        0.05, "--missing-insz", help="independent: share of claims without INSZ (0..1)"
    ),
    seed: int = typer.Option(1, "--seed"),
) -> None:
    """Write a synthetic claims file of the contract (and its truth); prints a JSON summary."""
    from loket.demo.claims import write_table_csv

    if generator not in GENERATORS:
        fail(f"--generator: {generator!r} is not one of {', '.join(GENERATORS)}")
    if not 0.0 <= missing_insz <= 1.0:
        fail(f"--missing-insz: {missing_insz} is not a share between 0 and 1")
    with progress_bar(f"generating {claims} claims") as _bar:
        if generator == "independent":
            from loket.demo.claims_independent import generate_independent_claims

            table, people = generate_independent_claims(claims, seed, missing_insz)
        else:
            from loket.demo.claims import generate_claims

            table, people = generate_claims(claims, seed)
        write_table_csv(out, table)
        if truth is not None:
            write_table_csv(truth, people)
    print_json(
        {
            "generator": generator,
            "claims": table.num_rows,
            "without_insz": table["insz"].null_count,
            "seed": seed,
            "out": str(out),
            "truth": str(truth) if truth else None,
        }
    )
