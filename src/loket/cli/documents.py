"""`loket documents verify FILE.pdf [--at TIME] [--tsa-root PEM]`: is a signed PDF an original a
clerk may accept, judged at the time its timestamps prove (or `--at`)?
Also `issue`, `revoke` and `trust-root` for the attestations loket signs itself, and (from
`document_admin`) `revoke-agency-key`, `agency-keys`, `crl` and `gc`.

Exit 0 only for `accepted`, 1 for every other verdict, 2 for bad usage.
"""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import typer
from asn1crypto import x509 as asn1_x509
from sqlalchemy import make_url
from sqlalchemy.orm import Session

from loket.cli import document_admin
from loket.cli.common import console, errors, fail, print_json, sessions
from loket.documents.attestations import (
    AttestationError,
    has_attestation_table,
    issue_attestation,
    revoke_attestation,
    verify_presented,
)
from loket.documents.issuer_keys import issuing_root_pem
from loket.documents.public_url import DEFAULT_PUBLIC_URL
from loket.documents.trust import trust_root_files
from loket.documents.verify import (
    CertificateError,
    Verification,
    read_certificate,
    read_crl,
    verification_options,
)
from loket.settings import get_settings

app = typer.Typer(
    help="Signed documents: verify PDFs presented as originals; issue attestations.",
    no_args_is_help=True,
)

TRUST_ROOTS_ENV = "LOKET_TRUST_ROOTS"
TSA_ROOTS_ENV = "LOKET_TSA_ROOTS"


def _read(path: Path, option: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        fail(f"{option}: cannot read {path}: {error.strerror or error}")


@app.callback()
def documents() -> None:
    """Signed documents: verify PDFs presented as originals; issue attestations."""


@app.command()
def verify(
    file: Path = typer.Argument(..., help="The PDF to check."),
    trust_root: list[Path] = typer.Option(  # noqa: B008
        [],
        "--trust-root",
        help=f"A trusted root (PEM/DER); default ${TRUST_ROOTS_ENV}.",
    ),
    crl: list[Path] = typer.Option([], "--crl", help="A CRL (PEM/DER) to check revocation."),  # noqa: B008
    tsa_root: list[Path] = typer.Option(  # noqa: B008
        [],
        "--tsa-root",
        help=f"A timestamp authority's root (PEM/DER); default ${TSA_ROOTS_ENV}.",
    ),
    at: str = typer.Option(
        "",
        "--at",
        metavar="YYYY-MM-DDTHH:MM",
        help="Judge the signatures at this time (UTC) instead of the time their timestamps "
        "prove, or now.",
    ),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Say whether FILE is a signed PDF to accept as original, and why not."""
    if not file.is_file():
        fail(f"FILE: {file} does not exist or is not a file")
    moment = _moment(at) if at else None
    data = _read(file, "FILE")
    roots = _certificates(trust_root, "--trust-root", TRUST_ROOTS_ENV)
    tsa_roots = _certificates(tsa_root, "--tsa-root", TSA_ROOTS_ENV)
    crls = []
    for path in crl:
        try:
            crls.append(read_crl(_read(path, "--crl")))
        except CertificateError as error:
            fail(f"--crl: {path}: {error}")
    with _records() as session, verification_options(at=moment, tsa_roots=tsa_roots):
        result = verify_presented(data, list(roots), crls=[c.dump() for c in crls], session=session)
    if as_json:
        print_json({"file": str(file), **result.as_json()})
    else:
        _print_verification(file, result, bool(roots))
    raise typer.Exit(0 if result.verdict == "accepted" else 1)


def _moment(value: str) -> datetime:
    """`--at`: an ISO 8601 time, UTC unless it names its offset."""
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        fail(f"--at: {value!r} is not a time like 2024-03-01T10:00 (UTC)")
    return moment if moment.utcoffset() is not None else moment.replace(tzinfo=UTC)


def _certificates(given: list[Path], option: str, env: str) -> list[asn1_x509.Certificate]:
    """The certificates of the option, else those the environment variable names."""
    sources = [(path, option) for path in given]
    if not sources and os.environ.get(env):
        sources = [(path, env) for path in trust_root_files(os.environ[env])]
    certificates = []
    for path, source in sources:
        try:
            certificates.append(read_certificate(_read(path, source)))
        except CertificateError as error:
            fail(f"{source}: {path}: {error}")
    return certificates


def _print_verification(file: Path, result: Verification, roots_given: bool) -> None:
    console.print(f"{file.name}: [bold]{result.label}[/] ({result.verdict})", highlight=False)
    if result.signer_subject:
        console.print(f"  signer: {result.signer_subject} (serial {result.signer_serial})",
                      highlight=False, markup=False)  # fmt: skip
        console.print(f"  signed at (claimed by signer): {result.signing_time}", markup=False)
        if result.timestamp_time:
            console.print(f"  timestamp: {result.timestamp_time}", markup=False)
        console.print(
            f"  covers whole document: {result.covers_whole_document}; "
            f"revocation evidence: {result.revocation_source}",
            markup=False,
        )
    if result.judged_at:
        console.print(f"  {result.judged_at}", highlight=False, markup=False)
    for problem in result.problems:
        console.print(f"  - {problem}", highlight=False, markup=False)
    if not roots_given and result.signature_count:
        console.print(
            f"  (only loket's own issuing root is trusted: use --trust-root or "
            f"{TRUST_ROOTS_ENV} for others)"
        )


@contextmanager
def _records() -> Iterator[Session | None]:
    """A session on loket's database when it exists and has the attestation table; None
    otherwise, so that verifying works on a machine without loket's database."""
    url = make_url(get_settings().database_url)
    if url.get_backend_name() == "sqlite" and not Path(url.database or "").is_file():
        yield None
        return
    try:
        session = sessions()()
        usable = has_attestation_table(session)
    except Exception:  # noqa: BLE001 - an unreachable database means "issuance not checked"
        yield None
        return
    with session:
        yield session if usable else None


@app.command()
def issue(
    dossier: str = typer.Option(..., "--dossier", help="The dossier reference."),
    kind: str = typer.Option(..., "--kind", help="living-wage, address or tax-collection."),
    language: str = typer.Option("nl", "--language", help="nl, fr, de or en."),
    user: str = typer.Option(..., "--as", help="The staff username issuing it."),
    out: Path = typer.Option(..., "--out", help="Where to write the signed PDF."),  # noqa: B008
) -> None:
    """Issue a signed attestation for a dossier; prints its verification reference."""
    try:
        with sessions().begin() as session:
            issued = issue_attestation(session, dossier, kind, language, user)
            out.write_bytes(issued.pdf)
    except AttestationError as error:
        fail(str(error))
    except OSError as error:
        fail(f"--out: cannot write {out}: {error.strerror or error}")
    if not get_settings().public_url.strip():
        errors.print(
            f"warning: LOKET_PUBLIC_URL is not set; the attestation points to "
            f"{DEFAULT_PUBLIC_URL}/verify/{issued.reference}, which works on this machine only",
            highlight=False,
            markup=False,
        )
    typer.echo(issued.reference)


@app.command()
def revoke(
    reference: str = typer.Argument(..., help="The attestation's verification reference."),
    user: str = typer.Option(..., "--as", help="The staff username revoking it."),
    reason: str = typer.Option(..., "--reason", help="Why, in words the holder reads."),
) -> None:
    """Revoke an issued attestation: `verify` and /verify/{reference} then say so."""
    try:
        with sessions().begin() as session:
            record = revoke_attestation(session, reference, user, reason)
            typer.echo(f"{record.reference} revoked on {record.revoked_at:%Y-%m-%d}")
    except AttestationError as error:
        fail(str(error))


@app.command("trust-root")
def trust_root_command(
    out: Path = typer.Option(..., "--out", help="Where to write the PEM file."),  # noqa: B008
) -> None:
    """Export loket's issuing root certificate, for verifying attestations elsewhere."""
    try:
        out.write_bytes(issuing_root_pem())
    except OSError as error:
        fail(f"--out: cannot write {out}: {error.strerror or error}")
    typer.echo(str(out))


document_admin.register(app)
