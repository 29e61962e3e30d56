"""What every command needs: the database from the settings, and printing errors and JSON."""

import json
from typing import Any, NoReturn

import typer
from rich.console import Console
from rich.markup import escape
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
