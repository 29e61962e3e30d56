"""`loket outbox`: the sender of notifications (run), the daily letter batch, appointment
reminders, and dead letters for whoever runs the system."""

import contextlib
import os
import signal
import tempfile
import threading
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from types import FrameType

import typer

from loket.cli.common import console, errors, fail, print_json, sessions
from loket.notify import review
from loket.notify.channels import dead_reason_label
from loket.notify.letters import print_batch
from loket.notify.reminders import write_reminders
from loket.notify.sender import StopFlag, Summary, TransportFactory, utcnow
from loket.notify.smtp import SmtpConnection, parse_smtp_url
from loket.notify.worker import run_once, run_worker
from loket.settings import get_settings

app = typer.Typer(help="The outbox: e-mails, paper letters and dead letters.", no_args_is_help=True)


def transport_factory() -> TransportFactory | None:
    """Connections to LOKET_SMTP_URL, or None when it is not set."""
    url = get_settings().smtp_url
    if not url:
        return None
    try:
        target = parse_smtp_url(url)
    except ValueError as error:
        fail(str(error))

    @contextlib.contextmanager
    def connect() -> Iterator[SmtpConnection]:
        with SmtpConnection(target) as connection:
            yield connection

    return connect


def start_in_background() -> StopFlag:
    """The worker in a daemon thread beside `loket demo`'s server; set the flag to stop it.
    A message being sent when the process ends is sent again by the next worker (at least
    once, same Message-ID)."""
    transport = transport_factory()
    stop = StopFlag()
    if transport is None:
        errors.print(
            "outbox: LOKET_SMTP_URL is not set; messages are kept and shown at /staff/outbox/",
            highlight=False,
        )

    def work() -> None:
        try:
            run_worker(sessions(), transport, get_settings().smtp_from, stop, poll_seconds=10)
        except Exception as error:  # noqa: BLE001 - the demo server goes on without its sender
            errors.print(f"outbox worker stopped: {error}", highlight=False, markup=False)

    threading.Thread(target=work, name="loket-outbox", daemon=True).start()
    return stop


def describe(summary: Summary) -> str:
    text = (
        f"sent {summary.sent}, retrying {summary.retried}, dead letters {summary.dead}; "
        f"{summary.letters_pending} letters wait for the print batch"
    )
    if summary.emails_kept:
        text += f"; {summary.emails_kept} e-mails kept (LOKET_SMTP_URL is not set)"
    return text


@app.command("run")
def run_command(
    once: bool = typer.Option(False, "--once", help="Send what is due, then stop."),
    batch: int = typer.Option(500, "--batch", min=1, help="Messages claimed at a time."),
    poll: float = typer.Option(5.0, "--poll", min=0.2, help="Seconds to wait when idle."),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON summary."),
) -> None:
    """Send the outbox's e-mails (and write tomorrow's appointment reminders). SIGTERM or
    Ctrl-C stops after the message being sent; a killed worker's messages go to the next."""
    transport = transport_factory()
    sender = get_settings().smtp_from
    stop = StopFlag()

    def on_signal(_signum: int, _frame: FrameType | None) -> None:
        stop.requested = True

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    if transport is None:
        errors.print("LOKET_SMTP_URL is not set: e-mails are kept in the outbox and shown to staff")
    if once:
        with sessions().begin() as session:
            write_reminders(session, date.today() + timedelta(days=1))
        summary = run_once(sessions(), transport, sender, batch=batch, stop=stop)
    else:
        summary = run_worker(
            sessions(),
            transport,
            sender,
            stop,
            batch=batch,
            poll_seconds=poll,
            report=lambda s: errors.print(describe(s), highlight=False),
        )
    if as_json:
        print_json(summary.as_json())
    else:
        console.print(describe(summary), highlight=False)


def _day(raw: str | None, option: str) -> date:
    if raw is None:
        return date.today()
    try:
        return date.fromisoformat(raw)
    except ValueError:
        fail(f"{option}: {raw!r} is not a date as YYYY-MM-DD")


@app.command("print-batch")
def print_batch_command(
    on: str = typer.Option(None, "--on", help="The batch of this day (YYYY-MM-DD); today."),
    out: Path = typer.Option(..., "--out", dir_okay=False, help="The PDF to write."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Write every paper letter due up to that day into one PDF and mark them sent."""
    day = _day(on, "--on")
    with sessions().begin() as session:
        batch = print_batch(session, day, utcnow())
        if batch.letters:
            # Written in full under another name first: a crash leaves no half PDF behind,
            # and the letters are marked sent only once the file is there.
            out.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=out.parent, suffix=".part")
            with os.fdopen(handle, "wb") as file:
                file.write(batch.pdf)
            os.replace(temporary, out)
    summary = {
        "day": day.isoformat(),
        "letters": batch.letters,
        "pages": batch.pages,
        "languages": batch.languages,
        "out": str(out) if batch.letters else None,
    }
    if as_json:
        print_json(summary)
    elif batch.letters:
        console.print(f"{batch.letters} letters on {batch.pages} pages in {out}", highlight=False)
    else:
        console.print(f"no letters due on {day.isoformat()}; nothing written", highlight=False)


@app.command("reminders")
def reminders_command(
    on: str = typer.Option(None, "--for", help="Appointments of this day; tomorrow."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Write a reminder for each appointment of the day that has none yet (the worker does
    this every hour for tomorrow)."""
    day = _day(on, "--for") if on else date.today() + timedelta(days=1)
    with sessions().begin() as session:
        written = write_reminders(session, day)
    data = {
        "day": day.isoformat(),
        "appointments": written.appointments,
        "written": written.written,
        "without_citizen": written.without_citizen,
    }
    if as_json:
        print_json(data)
    else:
        console.print(
            f"{written.written} reminders written for {written.appointments} appointments "
            f"on {day.isoformat()} ({written.without_citizen} without a known citizen)",
            highlight=False,
        )


@app.command("dead-letters")
def dead_letters_command(
    office: str = typer.Option(None, "--office", help="Only messages for or about this office."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """The messages the sender gave up on, with the reason."""
    with sessions()() as session:
        entries = review.dead_letters(session, [office] if office else None, limit=10_000)
    rows = [
        {
            "id": e.id,
            "topic": e.topic,
            "recipient": f"{e.recipient_kind} {e.recipient_id}",
            "dead_at": e.dead_at.isoformat(timespec="seconds") if e.dead_at else None,
            "reason": e.dead_reason,
            "reason_text": dead_reason_label(e.dead_reason),
            "last_error": e.last_error,
            "attempts": e.attempts,
        }
        for e in entries
    ]
    if as_json:
        print_json(rows)
        return
    if not rows:
        console.print("no dead letters", highlight=False)
    for row in rows:
        detail = f" ({row['last_error']})" if row["last_error"] else ""
        typer.echo(f"{row['id']}\t{row['topic']}\t{row['recipient']}\t{row['reason_text']}{detail}")


@app.command("retry")
def retry_command(message_id: int = typer.Argument(..., help="The dead letter's id.")) -> None:
    """Put a dead letter back in line; its channel is chosen again."""
    try:
        with sessions().begin() as session:
            review.retry(session, message_id)
    except review.UnknownMessage as error:
        fail(str(error))
    console.print(f"message {message_id} is back in the outbox", highlight=False)
