"""Running one benchmark case in a fresh child process, so that each case's wall time and peak
memory are its own: the scale benchmarks call their own script again with `--run-case` (the
work) under `--measure` (the child that reads the work's peak RSS)."""

import json
import resource
import subprocess
import sys
from pathlib import Path
from typing import Any


def _last_json_line(command: list[str], what: str) -> dict[str, Any]:
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{what} failed:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def measure(script: Path, method: str, file_option: str, path: Path) -> dict[str, Any]:
    """Run `script --run-case METHOD FILE_OPTION PATH` as a child; its JSON result plus the
    child's peak memory."""
    command = [sys.executable, str(script), "--run-case", method, file_option, str(path)]
    result = _last_json_line(command, method)
    # ru_maxrss is in KiB on Linux; the caller has started only that one child (a command the
    # child runs in turn is counted once it has been waited for).
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return result


def measured(script: Path, method: str, file_option: str, path: Path) -> dict[str, Any]:
    """`measure` in a fresh process, so that each run's peak memory is its own."""
    command = [sys.executable, str(script), "--measure", method, file_option, str(path)]
    return _last_json_line(command, method)
