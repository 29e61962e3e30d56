"""`loket linkage encode`: an OCMW encodes its own claims before they leave it.

Mounted under `loket linkage`; the output holds claim ids, centre, period, keyed hashes and
Bloom filters only, and goes to the hub for `loket linkage detect --pseudonymised`.
"""

from pathlib import Path

import duckdb
import typer

from loket.cli.common import fail, print_json
from loket.linkage.claims import read_claims
from loket.linkage.pseudonymise import (
    KEY_FILE_VARIABLE,
    LinkageKeyError,
    encode_claims,
    load_key,
    write_encoded,
)
from loket.linkage.standardise import standardise
from loket.store.csvio import CsvFormatError

app = typer.Typer(help="Encode claims for privacy-preserving linkage.", no_args_is_help=True)


@app.command("encode")
def encode(
    claims: Path = typer.Option(..., "--claims", exists=True, dir_okay=False, help="claims CSV"),
    key_file: Path = typer.Option(
        None,
        "--key-file",
        envvar=KEY_FILE_VARIABLE,
        dir_okay=False,
        help="file with the secret the OCMWs share (at least 32 bytes); never sent to the hub",
    ),
    out: Path = typer.Option(
        ..., "--out", dir_okay=False, help="encoded claims to write (.csv or .parquet)"
    ),
) -> None:
    """Replace names, INSZ and birth date by keyed hashes and Bloom filters; prints a JSON
    summary. Rejected rows go to `<claims>.rejects.csv`, as for `loket linkage detect`."""
    try:
        key = load_key(key_file)
    except LinkageKeyError as error:
        fail(str(error))
    try:
        read = read_claims(claims)
    except CsvFormatError as error:
        fail(str(error))
    with duckdb.connect() as connection:
        standardised = standardise(connection, read.table)
    encoded = encode_claims(standardised, key)
    write_encoded(out, encoded)
    summary = read.summary()
    summary["encoded"] = encoded.num_rows
    summary["out"] = str(out)
    print_json(summary)
