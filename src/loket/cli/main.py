"""The `loket` command: set-up, serving, routing, citizens, dossiers, users and imports."""

import typer

from loket.cli import (
    audit,
    citizens,
    control,
    documents,
    dossiers,
    exchange,
    imports,
    insight,
    insight_divide,  # noqa: F401  (adds `divide-refresh` to `loket insight`)
    jurisdiction,
    linkage,
    moves,
    outbox,
    routing,
    rules,
    rules_reindex,  # noqa: F401  (adds `reindex` to `loket rules`)
    server,
    users,
)

app = typer.Typer(
    help="loket: one front door and one back office for Belgian public services.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
server.register(app)
routing.register(app)
app.add_typer(citizens.app, name="citizen")
app.add_typer(dossiers.app, name="dossier")
app.add_typer(users.app, name="user")
app.add_typer(imports.app, name="import")
app.add_typer(moves.app, name="moves")
app.add_typer(outbox.app, name="outbox")
app.add_typer(jurisdiction.app, name="jurisdiction")
app.add_typer(jurisdiction.offices_app, name="offices")
app.add_typer(exchange.app, name="exchange")
app.add_typer(audit.app, name="audit")
app.add_typer(linkage.app, name="linkage")
app.add_typer(control.app, name="control")
app.add_typer(documents.app, name="documents")
app.add_typer(insight.app, name="insight")
app.add_typer(rules.app, name="rules")
