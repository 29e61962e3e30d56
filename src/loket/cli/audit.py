"""`loket audit`: verify the access log, sign checkpoints, export them for publication and prove
that an entry is in a checkpoint."""

import json
from pathlib import Path

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn
from sqlalchemy import select

from loket.cli.common import console, fail, print_json, sessions
from loket.exchange.checkpoints import (
    AuditError,
    export_checkpoint,
    latest_checkpoint,
    load_key,
    load_or_create_key,
    prove_entry,
)
from loket.exchange.model import AccessLogHead
from loket.exchange.verify import VerifyResult, checkpoint_verified_log, verify_log
from loket.settings import get_settings

app = typer.Typer(help="Check and publish the tamper-evident access log.", no_args_is_help=True)

# Below this many entries a progress bar only flickers.
PROGRESS_FROM = 100_000


def _verify(show_progress: bool) -> VerifyResult:
    key_file = Path(get_settings().audit_key_file)
    # Verifying never creates a key: without one, existing checkpoints cannot be trusted.
    public_key = load_key(key_file).public_key() if key_file.exists() else None
    with sessions()() as session:
        total = session.scalar(select(AccessLogHead.seq).where(AccessLogHead.id == 1)) or 0
        if not show_progress or total < PROGRESS_FROM:
            return verify_log(session, public_key)
        with Progress(
            TextColumn("verifying"),
            BarColumn(),
            TextColumn("{task.completed:,}/{task.total:,} entries"),
            TimeRemainingColumn(),
            console=console,
            transient=True,
        ) as bar:
            task = bar.add_task("verify", total=total)
            return verify_log(session, public_key, lambda done: bar.update(task, completed=done))


@app.command()
def verify(as_json: bool = typer.Option(False, "--json", help="print the result as JSON")) -> None:
    """Check the hash chain, the head and every signed checkpoint; exit 1 naming the first entry
    that does not verify."""
    result = _verify(show_progress=not as_json)
    if as_json:
        print_json(result.as_json())
        if not result.ok:
            raise typer.Exit(1)
        return
    if not result.ok:
        fail(result.problem, code=1)
    typer.echo(f"ok {result.entries} entries, head {result.head_hash}")


@app.command()
def checkpoint(
    as_json: bool = typer.Option(False, "--json", help="print the checkpoint as JSON"),
) -> None:
    """Sign a checkpoint over every entry so far (only when the whole log verifies)."""
    key = load_or_create_key()
    try:
        with sessions().begin() as session:
            made = checkpoint_verified_log(session, key)
            exported = export_checkpoint(made, key.public_key())
            exported["id"] = made.id
    except AuditError as error:
        fail(str(error), code=1)
    if as_json:
        print_json(exported)
    else:
        typer.echo(
            f"checkpoint {exported['id']}: {exported['tree_size']} entries, "
            f"root {exported['root_hash']}, key {exported['key_id']}"
        )


@app.command()
def export(
    out: Path | None = typer.Option(None, "--out", help="write to FILE instead of the screen"),
) -> None:
    """The latest checkpoint as JSON, to publish outside the system."""
    with sessions()() as session:
        latest = latest_checkpoint(session)
        if latest is None:
            fail("there is no checkpoint yet; make one with `loket audit checkpoint`")
        data = export_checkpoint(latest)
    if out is None:
        print_json(data)
        return
    out.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    typer.echo(f"checkpoint over {data['tree_size']} entries written to {out}")


@app.command()
def prove(
    seq: int = typer.Argument(..., help="the entry's sequence number"),
    as_json: bool = typer.Option(False, "--json", help="print the proof as JSON"),
) -> None:
    """An RFC 9162 inclusion proof of entry SEQ in the latest checkpoint."""
    try:
        with sessions()() as session:
            proof = prove_entry(session, seq)
    except AuditError as error:
        fail(str(error))
    if as_json:
        print_json(proof.as_json())
        return
    typer.echo(
        f"entry {proof.seq} ({proof.entry_hash}) is leaf {proof.seq - 1} of checkpoint "
        f"{proof.checkpoint_id} over {proof.tree_size} entries, root {proof.root_hash}"
    )
    for node in proof.proof:
        typer.echo(f"  {node}")
    typer.echo("proof verifies" if proof.verified else "proof does NOT verify")
