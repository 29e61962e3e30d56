"""A check run over many values in two processes where that pays off: number checks with
python-stdnum take microseconds each, which adds up to seconds over a million rows."""

import multiprocessing
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

# Below this many values, starting a second process costs more than it saves.
PARALLEL_FROM = 200_000


def in_two_halves(check: Callable[[list[T]], list[R]], values: list[T]) -> list[R]:
    """`check(values)`, computed as two halves in two processes for long lists. `check` must
    be a module-level function (it is sent to the child by reference)."""
    if len(values) < PARALLEL_FROM:
        return check(values)
    half = len(values) // 2
    # fork: the child only runs `check` on the list it was given, and needs no re-import of
    # the caller's script (spawn would re-run an unguarded benchmark or test module).
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=2, mp_context=context) as pool:
        first, second = pool.map(check, [values[:half], values[half:]])
    return first + second
