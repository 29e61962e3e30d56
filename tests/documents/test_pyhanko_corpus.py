"""pyHanko's own test PDFs (a vendored handful, see data/pyhanko/README.md): each gets a
verdict, never a traceback, and none that pyHanko's tests reject is ever accepted, even when
every certificate in it is trusted and it is judged at the time its signer claims."""

from io import BytesIO
from pathlib import Path

import pytest
from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.reader import PdfFileReader

from benchmarks.bench_pyhanko_corpus import REJECTED_BY_PYHANKO, carried_certificates
from loket.documents.verdicts import Verdict
from loket.documents.verify import Verification, verify_pdf

CORPUS = Path(__file__).parent / "data" / "pyhanko"
FILES = sorted(CORPUS.glob("*.pdf"))
# pyHanko's tests validate these as intact, with only allowed changes after signing.
ACCEPTED_BY_PYHANKO = {
    "form-update-override-appearance-stream.pdf",
    "minimal-signed-twice-no-sig-type.pdf",
    "pades-lta-dss-indirect-arrs-test.pdf",
    "sig-no-signed-attrs.pdf",
}


def lenient(data: bytes) -> Verification:
    """Trust every certificate the file carries, judge at the signer's claimed time: only the
    integrity of the signatures can still reject it."""
    roots: list[asn1_x509.Certificate] = carried_certificates(data)
    claimed = verify_pdf(data, roots, tsa_roots=roots).signing_time
    return verify_pdf(data, roots, tsa_roots=roots, at=claimed)


def test_the_corpus_is_there() -> None:
    names = {path.name for path in FILES}
    assert names >= set(REJECTED_BY_PYHANKO) | ACCEPTED_BY_PYHANKO


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.name)
def test_every_file_gets_a_verdict(path: Path) -> None:
    data = path.read_bytes()
    for result in (verify_pdf(data, []), lenient(data)):
        assert result.verdict in set(Verdict)
        if result.verdict != Verdict.ACCEPTED:
            assert result.problems, "every verdict but accepted says why"


@pytest.mark.parametrize("name", sorted(REJECTED_BY_PYHANKO))
def test_files_pyhanko_rejects_are_never_accepted(name: str) -> None:
    data = (CORPUS / name).read_bytes()
    assert verify_pdf(data, []).verdict != Verdict.ACCEPTED
    assert lenient(data).verdict != Verdict.ACCEPTED


@pytest.mark.parametrize("name", sorted(ACCEPTED_BY_PYHANKO))
def test_lenient_check_can_accept_what_pyhanko_accepts(name: str) -> None:
    """So that "never accepted" above means something: the same check accepts good files."""
    data = (CORPUS / name).read_bytes()
    assert PdfFileReader(BytesIO(data)).embedded_signatures
    result = lenient(data)
    assert result.verdict == Verdict.ACCEPTED, result.problems
    # Trusting nothing, loket's real setting, accepts none of them.
    assert verify_pdf(data, []).verdict != Verdict.ACCEPTED
