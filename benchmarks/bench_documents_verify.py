"""How long `verify_pdf()` takes for a typical one-signature PDF: median of 20 verifications.
Goal: at most 200 ms. Uses the test PKI from tests/documents/pki.py; no network.

    .venv/bin/python benchmarks/bench_documents_verify.py [--runs 20] [--json]
"""

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from loket.documents.verdicts import Verdict  # noqa: E402
from loket.documents.verify import verify_pdf  # noqa: E402
from tests.documents.pki import make_pki, sign, unsigned_pdf  # noqa: E402

GOAL_MS = 200.0


def timings(runs: int) -> dict[str, list[float]]:
    """Milliseconds per verification, for revocation evidence embedded in the PDF and local."""
    pki = make_pki()
    embedded = sign(unsigned_pdf(), pki.signer, pki, embed_crls=True)
    plain = sign(unsigned_pdf(), pki.signer, pki)
    cases = {
        "embedded_crl": lambda: verify_pdf(embedded, [pki.root.pem]),
        "local_crl": lambda: verify_pdf(plain, [pki.root.pem], crls=pki.crls),
    }
    result: dict[str, list[float]] = {}
    for name, run in cases.items():
        if run().verdict != Verdict.ACCEPTED:  # also warms imports and caches
            raise SystemExit(f"{name}: the benchmark PDF is not accepted")
        result[name] = []
        for _ in range(runs):
            started = time.perf_counter()
            run()
            result[name].append((time.perf_counter() - started) * 1000)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args()
    measured = timings(args.runs)
    medians = {name: statistics.median(values) for name, values in measured.items()}
    result = {
        "benchmark": "documents_verify",
        "runs": args.runs,
        "median_ms": {name: round(value, 1) for name, value in medians.items()},
        "range_ms": {name: [round(min(v), 1), round(max(v), 1)] for name, v in measured.items()},
        "goal_ms": GOAL_MS,
        "meets_goal": max(medians.values()) <= GOAL_MS,
        "python": sys.version.split()[0],
    }
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        for name, value in medians.items():
            print(f"{name}: median {value:.1f} ms over {args.runs} runs (goal ≤ {GOAL_MS:.0f} ms)")
    return 0 if result["meets_goal"] else 1


if __name__ == "__main__":
    sys.exit(main())
