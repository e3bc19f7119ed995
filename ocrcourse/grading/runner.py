"""Run a learner's function against an exercise's checks: time limit, exceptions survived,
✓ / ✗ lines with a hint that teaches.

A check is a small function `case(fn)` that calls the learner's `fn` and raises `Failure(hint)`
when the answer is wrong. `run_item` runs every case of an item under a time limit and turns
whatever happens (a wrong value, an exception, an endless loop) into a `CaseResult`.
"""
from __future__ import annotations

import json
import os
import signal
import threading
import traceback
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from typing import Callable

__all__ = ["Failure", "Case", "CaseResult", "ItemReport", "run_item", "time_limit", "GRADE_LOG_ENV"]

GRADE_LOG_ENV = "OCRCOURSE_GRADE_LOG"   # when set, every report is appended there as a JSON line


class Failure(AssertionError):
    """A check failed; the message is the hint shown to the learner."""


class CheckTimeout(Exception):
    pass


@dataclass
class Case:
    name: str                      # what is being checked, shown after ✓ / ✗
    run: Callable                  # run(fn) -> None or a note shown under ✓; raises Failure(hint)
    hint: str = ""                 # shown when the learner's code raises instead of answering


@dataclass
class CaseResult:
    name: str
    passed: bool
    message: str = ""


@dataclass
class ItemReport:
    item: str
    title: str
    results: list = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return bool(self.results) and all(r.passed for r in self.results)

    @property
    def score(self) -> float:
        return sum(r.passed for r in self.results) / max(1, len(self.results))

    def text(self) -> str:
        lines = [f"{self.item} — {self.title}"]
        for r in self.results:
            if r.passed:
                lines.append(f"  ✓ {r.name}" + (f"\n      {r.message}" if r.message else ""))
            else:
                lines.append(f"  ✗ {r.name}\n      hint: {r.message}")
        verdict = "all checks passed" if self.passed else f"{sum(r.passed for r in self.results)}/{len(self.results)} checks passed"
        lines.append(f"  => {verdict}")
        return "\n".join(lines)


@contextmanager
def time_limit(seconds: float):
    """Raise CheckTimeout after `seconds` (SIGALRM in the main thread; no limit elsewhere)."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "SIGALRM"):
        yield
        return

    def _alarm(signum, frame):
        raise CheckTimeout()

    old = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def _run_case(case: Case, fn, seconds: float) -> CaseResult:
    try:
        with time_limit(seconds):
            note = case.run(fn)
        return CaseResult(case.name, True, note if isinstance(note, str) else "")
    except Failure as f:
        return CaseResult(case.name, False, str(f))
    except CheckTimeout:
        return CaseResult(case.name, False, f"your function did not finish within {seconds:g} s — "
                                            "look for an endless loop or a Python loop over every pixel")
    except NotImplementedError:
        return CaseResult(case.name, False, "not implemented yet: replace `raise NotImplementedError` with your code")
    except Exception as e:  # the learner's code raised: show where, plus the case's hint
        where = traceback.extract_tb(e.__traceback__)[-1]
        msg = f"your code raised {type(e).__name__}: {e} (line {where.lineno})"
        return CaseResult(case.name, False, msg + (f" — {case.hint}" if case.hint else ""))


def run_item(item_id: str, title: str, cases: list[Case], fn, seconds: float = 10.0) -> ItemReport:
    report = ItemReport(item_id, title, [_run_case(c, fn, seconds) for c in cases])
    log = os.environ.get(GRADE_LOG_ENV)
    if log:
        with open(log, "a", encoding="utf-8") as f:
            f.write(json.dumps({"item": item_id, "passed": report.passed, "score": report.score,
                                "results": [asdict(r) for r in report.results]}, ensure_ascii=False) + "\n")
    return report
