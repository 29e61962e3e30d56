"""LOKET_TRUST_ROOTS: a folder of certificates or a list of files; a bad one is named."""

import os
from pathlib import Path

import pytest

from loket.documents.trust import TrustRootError, read_trust_roots, trust_root_files
from tests.documents.pki import Pki, make_pki


@pytest.fixture(scope="module")
def pki() -> Pki:
    return make_pki()


def test_a_folder_gives_its_certificates_in_name_order_and_skips_other_files(
    tmp_path: Path, pki: Pki
) -> None:
    (tmp_path / "b-root.der").write_bytes(pki.root.der)
    (tmp_path / "a-other.pem").write_bytes(pki.other_root.pem)
    (tmp_path / "README.txt").write_text("the roots of the test PKI")
    (tmp_path / "citizen-ca.crl").write_bytes(pki.crls[1])
    assert [p.name for p in trust_root_files(str(tmp_path))] == ["a-other.pem", "b-root.der"]
    roots = read_trust_roots(str(tmp_path))
    assert [r.sha256 for r in roots] == [pki.other_root.asn1.sha256, pki.root.asn1.sha256]


def test_files_separated_by_the_path_separator_are_all_read(tmp_path: Path, pki: Pki) -> None:
    (tmp_path / "root.pem").write_bytes(pki.root.pem)
    (tmp_path / "other.crt").write_bytes(pki.other_root.der)
    value = os.pathsep.join([str(tmp_path / "root.pem"), "", str(tmp_path / "other.crt")])
    assert len(read_trust_roots(value)) == 2
    assert read_trust_roots("") == []


def test_a_file_that_is_not_a_certificate_is_named(tmp_path: Path, pki: Pki) -> None:
    (tmp_path / "root.pem").write_bytes(pki.crls[0])
    with pytest.raises(TrustRootError, match=r"LOKET_TRUST_ROOTS: .*root\.pem: not an X\.509"):
        read_trust_roots(str(tmp_path / "root.pem"))
    with pytest.raises(TrustRootError, match=r"missing\.pem: cannot read it"):
        read_trust_roots(str(tmp_path / "missing.pem"))
