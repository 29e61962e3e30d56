"""What every command needs: the database from the settings, and printing errors and JSON."""

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from loket.settings import get_settings
from loket.store.engine import make_engine, session_factory

console = Console()
errors = Console(stderr=True, soft_wrap=True)


def engine() -> Engine:
    return make_engine(get_settings().database_url)


def sessions() -> sessionmaker[Session]:
    return session_factory(engine())


def fail(message: str, code: int = 2) -> NoReturn:
    errors.print(f"[bold red]error:[/] {escape(message)}", highlight=False, markup=True)
    raise typer.Exit(code)


def print_json(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


@contextmanager
def progress_bar(
    description: str, total: int | None = None
) -> Iterator[tuple[Callable[[int, int], None], Callable[[str], None]]]:
    """A Rich progress bar on stderr: yields `advance(done, total)` and `relabel(text)`."""
    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=errors,
        transient=True,
    ) as progress:
        task = progress.add_task(description, total=total)

        def advance(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        def relabel(text: str) -> None:
            progress.update(task, description=text, completed=0)

        yield advance, relabel
