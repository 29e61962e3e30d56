"""`loket documents verify FILE.pdf`: is a signed PDF an original a clerk may accept?

Exit 0 only for `accepted`, 1 for every other verdict, 2 for bad usage.
"""

import os
from pathlib import Path

import typer

from loket.cli.common import console, fail, print_json
from loket.documents.verify import CertificateError, read_certificate, read_crl, verify_pdf

app = typer.Typer(
    help="Signed documents: verify PDFs presented as originals.", no_args_is_help=True
)

TRUST_ROOTS_ENV = "LOKET_TRUST_ROOTS"
CERT_SUFFIXES = {".pem", ".crt", ".cer", ".der"}


def _read(path: Path, option: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        fail(f"{option}: cannot read {path}: {error.strerror or error}")


def _root_files(value: str) -> list[Path]:
    """LOKET_TRUST_ROOTS: a directory of certificates, or files separated by os.pathsep."""
    paths: list[Path] = []
    for part in filter(None, value.split(os.pathsep)):
        path = Path(part)
        if path.is_dir():
            paths.extend(sorted(p for p in path.iterdir() if p.suffix.lower() in CERT_SUFFIXES))
        else:
            paths.append(path)
    return paths


@app.callback()
def documents() -> None:
    """Signed documents: verify PDFs presented as originals."""


@app.command()
def verify(
    file: Path = typer.Argument(..., help="The PDF to check."),
    trust_root: list[Path] = typer.Option(  # noqa: B008
        [],
        "--trust-root",
        help=f"A trusted root (PEM/DER); default ${TRUST_ROOTS_ENV}.",
    ),
    crl: list[Path] = typer.Option([], "--crl", help="A CRL (PEM/DER) to check revocation."),  # noqa: B008
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Say whether FILE is a signed PDF to accept as original, and why not."""
    if not file.is_file():
        fail(f"FILE: {file} does not exist or is not a file")
    data = _read(file, "FILE")
    sources = [(path, "--trust-root") for path in trust_root]
    if not sources and os.environ.get(TRUST_ROOTS_ENV):
        sources = [(path, TRUST_ROOTS_ENV) for path in _root_files(os.environ[TRUST_ROOTS_ENV])]
    roots = []
    for path, option in sources:
        try:
            roots.append(read_certificate(_read(path, option)))
        except CertificateError as error:
            fail(f"{option}: {path}: {error}")
    crls = []
    for path in crl:
        try:
            crls.append(read_crl(_read(path, "--crl")))
        except CertificateError as error:
            fail(f"--crl: {path}: {error}")
    result = verify_pdf(data, roots, crls=crls)
    if as_json:
        print_json({"file": str(file), **result.as_json()})
    else:
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
        for problem in result.problems:
            console.print(f"  - {problem}", highlight=False, markup=False)
        if not roots and result.signature_count:
            console.print(f"  (no trust roots given: use --trust-root or {TRUST_ROOTS_ENV})")
    raise typer.Exit(0 if result.verdict == "accepted" else 1)
