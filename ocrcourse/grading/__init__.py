"""Graded exercises: run a learner's function against public checks and print ✓ / ✗ with hints.

    from ocrcourse import grading
    grading.check("ex04.shrink_polygon", shrink_polygon)

Items are listed in `ITEMS` (id -> Item); the learner's function is named after the part of the
id behind the dot (`ex04.shrink_polygon` -> `shrink_polygon`; the quiz takes `quiz_answers`).
`grade(notebook)` scores a whole notebook; instructors add held-out checks, which live in
`instructor/heldout.py` (not in the installed package, not in the learner's `exercises/`): `ocrcourse grade PATH --heldout`.
"""
from __future__ import annotations

from dataclasses import dataclass

from . import ex_db, ex_distillation, ex_models, ex_recipes, ex_training, ex_workflows, quiz
from .runner import Case, Failure, ItemReport, run_item
from .notebook import grade, load_heldout

__all__ = ["ITEMS", "Item", "check", "grade", "load_heldout", "function_name", "Case", "Failure", "show_quiz"]

show_quiz = quiz.show_quiz


@dataclass(frozen=True)
class Item:
    id: str
    title: str
    cases: tuple
    seconds: float = 10.0          # time limit per check (items that train or evaluate a model need more)


ITEMS: dict[str, Item] = {
    item_id: Item(item_id, title, tuple(cases), *limit)
    for module in (ex_models, ex_db, ex_training, ex_recipes, ex_distillation, ex_workflows, quiz)
    for item_id, (title, cases, *limit) in module.ITEMS.items()
}


def function_name(item_id: str) -> str:
    """The name the learner's function must have for `grade` to find it."""
    return "quiz_answers" if item_id == "quiz.strategies" else item_id.split(".", 1)[1]


def check(item_id: str, fn, extra_cases=(), seconds: float | None = None, verbose: bool = True) -> ItemReport:
    """Run the public checks of `item_id` on `fn` and print what passed and hints for what did not.

    `seconds` limits each check (default: the item's own limit)."""
    if item_id not in ITEMS:
        raise KeyError(f"unknown exercise {item_id!r}; available: {sorted(ITEMS)}")
    item = ITEMS[item_id]
    report = run_item(item_id, item.title, list(item.cases) + list(extra_cases), fn, seconds or item.seconds)
    if verbose:
        print(report.text())
    return report
