"""Claims a lesson makes about its own output, checked where they are made.

A lesson's "What you should see" paragraph states something measurable ("hsv barely changes the
image", "the weight norm falls as the L2 factor grows"). A claim cell right after the output states it
again as code:

    # NBVAL_CHECK_OUTPUT
    claim("hsv barely changes the word image (< 2 grey levels on average)", change["hsv"] < 2)

It prints `✓ <claim>` when the output agrees, and stops with a `ClaimError` that names the claim and
what was measured when it does not, so a library upgrade that changes a result cannot leave the text
saying the opposite of the output. The printed line holds no number from the run, only the claim:
nbval checks it exactly, and it does not move when a library rounds its last digit differently.
Under the full-mode step cap (`OCRCOURSE_MAX_STEPS`, `make full-smoke`) a run trains only a few
steps, so a claim that does not hold is printed as not checked instead of stopping the lesson.
"""
from __future__ import annotations

__all__ = ["ClaimError", "claim"]


class ClaimError(AssertionError):
    """A lesson's text and its output disagree."""


def claim(text: str, holds, measured=None) -> None:
    """Print `✓ text` if `holds` is true; else raise ClaimError with `measured` (what the run gave)."""
    if bool(holds):
        print(f"✓ {text}")
        return
    detail = f" (measured: {measured})" if measured is not None else ""
    from .settings import max_steps

    if max_steps() is not None:   # full mode with OCRCOURSE_MAX_STEPS: a smoke run, results not expected
        print(f"- not checked, training capped at {max_steps()} steps: {text}{detail}")
        return
    raise ClaimError(f"the lesson says: {text!r}, but this run's output disagrees{detail}")
