"""`loket documents revoke-agency-key`, `agency-keys`, `crl` and `gc`: looking after loket's
issuing keys and the stored document bytes (registered on the `documents` command group)."""

from pathlib import Path

import typer
from cryptography.hazmat.primitives import serialization

from loket.cli.common import console, engine, fail, print_json
from loket.documents.blob_cleanup import collect_orphans
from loket.documents.issuer_keys import (
    AGENCY_CODES,
    IssuerError,
    RevocationReason,
    agency_key_revocations,
    current_crl,
    existing_agency_certificate,
    revoke_agency_key,
)
from loket.documents.storage import default_blob_store


def revoke_agency_key_command(
    agency: str = typer.Option(..., "--agency", help=", ".join(AGENCY_CODES)),
    reason: str = typer.Option(..., "--reason", help=", ".join(RevocationReason)),
    user: str = typer.Option(..., "--as", help="The admin username revoking it."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Revoke an agency's signing certificate; the agency signs with a new key from now on.

    The root's CRL lists the old certificate. After keyCompromise (or unspecified) no
    attestation signed with the old key counts; after another reason, those issued before
    the revocation stay valid."""
    try:
        revocation = revoke_agency_key(agency, reason, user)
    except IssuerError as error:
        fail(str(error))
    except OSError as error:
        fail(f"cannot update the issuing keys: {error.strerror or error}")
    if as_json:
        print_json(revocation.as_json())
        return
    console.print(
        f"{agency}: certificate {revocation.serial} revoked on "
        f"{revocation.revoked_at:%Y-%m-%d %H:%M:%S} UTC ({revocation.reason}); "
        f"new certificate {revocation.new_serial}",
        highlight=False,
        markup=False,
    )


def agency_keys_command(as_json: bool = typer.Option(False, "--json")) -> None:
    """Each agency's current signing certificate, and every revoked one with who, when, why."""
    try:
        current = {code: existing_agency_certificate(code) for code in AGENCY_CODES}
        revoked = agency_key_revocations()
    except IssuerError as error:
        fail(str(error))
    rows = {
        code: format(cert.serial_number, "x") if cert is not None else None
        for code, cert in current.items()
    }
    if as_json:
        print_json({"current": rows, "revoked": [r.as_json() for r in revoked]})
        return
    for code, serial in rows.items():
        console.print(f"{code}: {serial or 'no key yet'}", highlight=False, markup=False)
    for r in revoked:
        console.print(
            f"revoked {r.agency_code} {r.serial} on {r.revoked_at:%Y-%m-%d %H:%M:%S} UTC "
            f"by {r.revoked_by}: {r.reason}",
            highlight=False,
            markup=False,
        )


def crl_command(
    out: Path = typer.Option(..., "--out", help="Where to write the CRL (PEM)."),  # noqa: B008
) -> None:
    """Export the root's current CRL, for verifying loket's attestations elsewhere."""
    try:
        out.write_bytes(current_crl().public_bytes(serialization.Encoding.PEM))
    except OSError as error:
        fail(f"--out: cannot write {out}: {error.strerror or error}")
    typer.echo(str(out))


def gc_command(
    dry_run: bool = typer.Option(False, "--dry-run", help="Only list what would go."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Remove stored files no document names, written over an hour ago (left by a crash)."""
    try:
        report = collect_orphans(engine(), default_blob_store(), dry_run=dry_run)
    except OSError as error:
        fail(f"cannot tidy the document store: {error.strerror or error}")
    if as_json:
        print_json(report.as_json())
        return
    verb = "would remove" if dry_run else "removed"
    console.print(
        f"{report.checked} files checked; {verb} {len(report.orphans)} "
        f"({report.bytes_freed} bytes); {report.young_orphans_kept} recent ones kept",
        highlight=False,
    )


def register(app: typer.Typer) -> None:
    app.command("revoke-agency-key")(revoke_agency_key_command)
    app.command("agency-keys")(agency_keys_command)
    app.command("crl")(crl_command)
    app.command("gc")(gc_command)
