"""How long `verify_pdf()` takes for a PAdES-LTA PDF (signature timestamp, CRLs in the DSS,
archive document timestamp) whose signer's certificate expired since: median of N runs.
Goal: at most 300 ms. Uses the test PKI and TSA from tests/documents/pki.py; no network.

    .venv/bin/python benchmarks/bench_verify_pdf.py [--runs 20]
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
from tests.documents.pki import archived_signature, make_pki  # noqa: E402

GOAL_MS = 300.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    if args.runs < 5:
        raise SystemExit("--runs: at least 5, for a meaningful median")
    pki = make_pki()
    document = archived_signature(pki)

    def run() -> None:
        result = verify_pdf(document, [pki.root.pem], tsa_roots=[pki.tsa_root.pem])
        if result.verdict != Verdict.ACCEPTED or result.validation_time_source != "timestamp":
            raise SystemExit(f"the benchmark PDF is not accepted at its timestamp: {result}")

    run()  # warms imports and caches
    timings = []
    for _ in range(args.runs):
        started = time.perf_counter()
        run()
        timings.append((time.perf_counter() - started) * 1000)
    median = statistics.median(timings)
    print(json.dumps({
        "benchmark": "verify_pdf on a PAdES-LTA PDF (expired signer, judged at its timestamp)",
        "pdf_bytes": len(document),
        "runs": args.runs,
        "median_ms": round(median, 1),
        "min_ms": round(min(timings), 1),
        "max_ms": round(max(timings), 1),
        "goal_ms": GOAL_MS,
        "meets_goal": median <= GOAL_MS,
    }, indent=2))  # fmt: skip
    raise SystemExit(0 if median <= GOAL_MS else 1)


if __name__ == "__main__":
    main()
