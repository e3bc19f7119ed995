"""CI proves the grader is real: solutions pass, blank templates fail, known-wrong answers get their hint."""
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from ocrcourse.grading import ITEMS, check, function_name, grade, load_heldout
from ocrcourse.grading.notebook import exercise_ids
from ocrcourse.grading.templates import make_template, strip_solutions, template_path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).parent
SOURCES = sorted((ROOT / "instructor" / "exercises").glob("*/*.src.ipynb"))
HELDOUT = load_heldout(ROOT / "instructor" / "heldout.py")
sys.path.insert(0, str(HERE))
from wrong_variants import WRONG  # noqa: E402


def _functions(nb) -> dict:
    """Run a notebook's code cells except the check cells and the ones tagged 'explore' (they train or
    evaluate a model for the learner to look at; they define nothing the checks use) and return the
    names they define."""
    ns = {}
    for cell in nb.cells:
        if (cell.cell_type == "code" and "grading.check(" not in cell.source and "show_quiz" not in cell.source
                and "explore" not in cell.metadata.get("tags", [])):
            exec(compile(cell.source, "<exercise>", "exec"), ns)  # noqa: S102 - our own notebooks
    return ns


def _solutions():
    out = {}
    for src in SOURCES:
        nb = nbformat.read(src, as_version=4)
        ns = _functions(nb)
        for item in exercise_ids(nb):
            out[item] = ns[function_name(item)]
    return out


SOLUTIONS = _solutions()


def test_every_item_has_an_exercise_heldout_checks_and_a_wrong_variant():
    assert set(SOLUTIONS) == set(ITEMS)
    assert set(HELDOUT) == set(ITEMS)
    assert set(WRONG) == set(ITEMS)


@pytest.mark.parametrize("item", sorted(ITEMS))
def test_solution_passes_public_and_heldout_checks(item):
    report = check(item, SOLUTIONS[item], extra_cases=HELDOUT[item], verbose=False)
    assert report.passed, report.text()


@pytest.mark.parametrize("src", SOURCES, ids=lambda p: p.parent.name)
def test_blank_template_fails_every_item(src):
    learner = nbformat.read(template_path(src), as_version=4)
    ns = _functions(learner)
    for item in exercise_ids(learner):
        report = check(item, ns[function_name(item)], extra_cases=HELDOUT[item], verbose=False)
        assert not any(r.passed for r in report.results), report.text()
        assert all("not implemented yet" in r.message for r in report.results)


@pytest.mark.parametrize("item, wrong, hint", [(i, w, h) for i, pairs in sorted(WRONG.items()) for w, h in pairs],
                         ids=lambda v: v if isinstance(v, str) else getattr(v, "__name__", "fn"))
def test_known_wrong_variant_fails_with_its_hint(item, wrong, hint):
    report = check(item, wrong, verbose=False)
    assert not report.passed
    assert any(hint in r.message for r in report.results if not r.passed), report.text()


def test_templates_are_up_to_date():
    out = subprocess.run([sys.executable, str(ROOT / "data_scripts" / "make_exercises.py"), "--check"],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr


def test_template_keeps_indentation_and_refuses_unclosed_regions():
    src = "def f(x):\n    y = 1\n    # BEGIN SOLUTION\n    return x + y\n    # END SOLUTION\n"
    assert strip_solutions(src) == "def f(x):\n    y = 1\n    raise NotImplementedError(\"write your solution here, then run the check below\")\n"
    with pytest.raises(ValueError):
        strip_solutions("# BEGIN SOLUTION\nx = 1\n")


def test_template_has_no_solution_text():
    for src in SOURCES:
        nb = make_template(nbformat.read(src, as_version=4))
        text = "\n".join(c.source for c in nb.cells)
        assert "BEGIN SOLUTION" not in text and "NBVAL_CHECK_OUTPUT" not in text


def test_grade_scores_whole_notebooks(tmp_path):
    src = ROOT / "instructor" / "exercises" / "04_db" / "04_db.src.ipynb"
    assert grade(src, heldout=HELDOUT, verbose=False)["score"] == 1.0
    assert grade(template_path(src), heldout=HELDOUT, verbose=False)["score"] == 0.0
    # a learner cell that crashes is reported, and the other exercises are still graded
    nb = nbformat.read(src, as_version=4)
    nb.cells.insert(2, nbformat.v4.new_code_cell("1 / 0"))
    broken = tmp_path / "broken.ipynb"
    nbformat.write(nb, broken)
    result = grade(broken, verbose=False)
    assert result["score"] == 1.0 and any("ZeroDivisionError" in p for p in result["problems"])


def test_cli_grade_with_heldout():
    out = subprocess.run([sys.executable, "-m", "ocrcourse.cli", "grade", "instructor/exercises/05_lr", "exercises/05_lr",
                          "--heldout", "--min-score", "0"], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert "score: 1/1" in out.stdout and "score: 0/1" in out.stdout
    assert "held-out" in out.stdout


def test_quiz_covers_every_strategy_of_the_course_map():
    from ocrcourse.course_map import STRATEGIES
    from ocrcourse.grading.quiz import COVERS, QUESTIONS

    assert set(COVERS) == set(QUESTIONS)
    named = {name for _, _, name, _, _ in STRATEGIES}
    covered = {name for names in COVERS.values() for name in names}
    assert covered <= named, f"the quiz names strategies the map does not have: {covered - named}"
    assert named <= covered, f"no question asks about: {sorted(named - covered)}"


def test_quiz_shows_the_explanation_for_right_and_wrong_answers():
    from ocrcourse.grading.quiz import QUESTIONS

    right = SOLUTIONS["quiz.strategies"]()
    wrong = {q: next(k for k in QUESTIONS[q][1] if k != a) for q, a in right.items()}
    for answers in (right, wrong):
        report = check("quiz.strategies", answers, verbose=False)
        for result, (_, _, _, why) in zip(report.results, QUESTIONS.values()):
            assert result.passed == (answers is right)
            assert why in result.message and why in report.text()
