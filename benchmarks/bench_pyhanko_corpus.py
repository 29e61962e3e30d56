"""`verify_pdf()` over every PDF of a directory (pyHanko's own test data set): a verdict for
each, never a crash, and never `accepted` for a file pyHanko's tests reject.

Each file is checked twice, in-process with a per-file guard:
- strict: loket's rules, trusting only the given roots (default none), judged now;
- lenient: every certificate the file carries trusted as a root, judged at the time the signer
  claims, so that only integrity (bytes, coverage, later changes, algorithms) can reject it.

    .venv/bin/python benchmarks/bench_pyhanko_corpus.py DIR [--trust-root PEM ...] [--json]

DIR is e.g. `pyhanko_testing_commons/test_data/data/pdf` from the pyhanko 0.38.0 sdist
(`pip download --no-deps --no-binary :all: pyhanko==0.38.0`), or tests/documents/data/pyhanko.
Exit 1 when a file crashed or a file pyHanko rejects came out `accepted`.
"""

import argparse
import json
import sys
import time
import traceback
from collections import Counter
from io import BytesIO
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from asn1crypto import x509 as asn1_x509  # noqa: E402
from pyhanko.pdf_utils.reader import PdfFileReader  # noqa: E402

from loket.documents.verify import read_certificate, verify_pdf  # noqa: E402

# Files pyHanko's own tests (0.38.0) expect to fail, with the test that says so.
REJECTED_BY_PYHANKO = {
    "tail-uncovered.pdf": "test_diff_analysis::test_anomalous_coverage (not bottom_line)",
    "signature-gap-too-big.pdf": "test_diff_analysis::test_anomalous_coverage (not bottom_line)",
    "one-byterange.pdf": "test_diff_analysis::test_anomalous_coverage (not bottom_line)",
    "weird-byterange.pdf": "test_diff_analysis::test_anomalous_coverage (not bottom_line)",
    "form-update-override-appearance-stream-sneaky.pdf":
        "test_diff_analysis::test_disallow_appearance_stream_override_if_clobbers (OTHER)",
    "form-update-override-appearance-stream-ap-indirect-sneaky.pdf":
        "test_diff_analysis::test_disallow_appearance_stream_override_if_clobbers (OTHER)",
    "form-update-no-override-appearance-stream-ap-indirect-sneaky.pdf":
        "test_diff_analysis::test_disallow_appearance_stream_override_if_clobbers (OTHER)",
    "form-update-ap-indirect-sneaky-trailer.pdf":
        "test_diff_analysis::test_disallow_appearance_stream_override_if_clobbers (OTHER)",
    "pdf-sig-with-econtent.pdf":
        "test_signing::test_sign_reject_econtent_if_detached (SignatureValidationError)",
    "ed448-disallowed-hash.pdf":
        "test_cms::test_ed448_invalid_hash_algo_validation (CRYPTO_CONSTRAINTS_FAILURE)",
}  # fmt: skip


def carried_certificates(data: bytes) -> list[asn1_x509.Certificate]:
    """Every certificate in the file's signatures (for the lenient run); none if unreadable."""
    try:
        reader = PdfFileReader(BytesIO(data), strict=False)
        return [
            cert.chosen
            for sig in reader.embedded_signatures
            for cert in sig.signed_data["certificates"]
            if cert.name == "certificate"
        ]
    except Exception:  # noqa: BLE001 - an unreadable file simply has none
        return []


def check(path: Path, roots: list[asn1_x509.Certificate]) -> dict[str, Any]:
    data = path.read_bytes()
    row: dict[str, Any] = {
        "file": path.name,
        "rejected_by_pyhanko": path.name in REJECTED_BY_PYHANKO,
    }
    started = time.perf_counter()
    try:
        strict = verify_pdf(data, roots, tsa_roots=roots)
        row["ms"] = round((time.perf_counter() - started) * 1000, 1)
        row["verdict"] = str(strict.verdict)
        row["problems"] = list(strict.problems)
        lenient_roots = roots + carried_certificates(data)
        lenient = verify_pdf(data, lenient_roots, tsa_roots=lenient_roots, at=strict.signing_time)
        row["lenient_verdict"] = str(lenient.verdict)
    except Exception:  # noqa: BLE001 - counted as a crash: verify_pdf must never raise
        row["verdict"] = "CRASH"
        row["traceback"] = traceback.format_exc()
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", type=Path)
    parser.add_argument("--trust-root", type=Path, action="append", default=[])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    roots = [read_certificate(path.read_bytes()) for path in args.trust_root]
    files = sorted(args.directory.rglob("*.pdf"))
    if not files:
        raise SystemExit(f"no PDF files under {args.directory}")
    rows = [check(path, roots) for path in files]
    crashes = [row["file"] for row in rows if row["verdict"] == "CRASH"]
    wrongly_accepted = [
        row["file"]
        for row in rows
        if row["rejected_by_pyhanko"] and "accepted" in (row["verdict"], row.get("lenient_verdict"))
    ]
    summary = {
        "files": len(rows),
        "verdicts": dict(Counter(row["verdict"] for row in rows)),
        "lenient_verdicts": dict(Counter(row.get("lenient_verdict", "CRASH") for row in rows)),
        "crashes": crashes,
        "rejected_by_pyhanko": {
            row["file"]: [row["verdict"], row.get("lenient_verdict")]
            for row in rows
            if row["rejected_by_pyhanko"]
        },
        "rejected_but_accepted": wrongly_accepted,
        "max_ms": max(row.get("ms", 0.0) for row in rows),
    }
    if args.json:
        print(json.dumps({"rows": rows, "summary": summary}, indent=2))
    else:
        print(f"{'file':<66} {'verdict':<19} {'lenient':<19} {'ms':>7}")
        for row in rows:
            mark = " *" if row["rejected_by_pyhanko"] else ""
            print(f"{row['file'] + mark:<66} {row['verdict']:<19} "
                  f"{row.get('lenient_verdict', ''):<19} {row.get('ms', 0):>7}")  # fmt: skip
        print("(* rejected by pyHanko's own tests)")
        print(json.dumps(summary, indent=2))
        for row in rows:
            if row["verdict"] == "CRASH":
                print(f"--- {row['file']}\n{row['traceback']}")
    raise SystemExit(1 if crashes or wrongly_accepted else 0)


if __name__ == "__main__":
    main()
