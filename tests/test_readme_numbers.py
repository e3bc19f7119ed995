"""Numbers the README quotes from reference runs must equal the committed metas (re-run, re-quote)."""
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _final(run: str) -> dict:
    meta = json.loads((ROOT / "lessons" / "reference_runs" / run / "meta.json").read_text(encoding="utf-8"))
    end = {f"end_{k}": v for k, v in meta.get("end_metrics", {}).items()}    # the run's last weights, evaluated
    return {**meta["final_metrics"], **end, "steps": meta["steps"], "wall_min": meta["wall_time_s"] / 60}


# (the sentence fragment with the number as a regex group, run, key, how the README rounds it)
QUOTED = [
    (r"reads ([\d.]+) % of the 300 held-out lines exactly", "09_rec_crnn_codes", "end_acc", lambda v: f"{100 * v:.1f}"),
    (r"lines exactly after\s+(\d+) steps", "09_rec_crnn_codes", "steps", str),
    (r"after\s+\d+ steps \((\d+) minutes of wall time", "09_rec_crnn_codes", "wall_min", lambda v: f"{v:.0f}"),
    (r"`07_det_mv3_db_v3backbone` reaches hmean ([\d.]+)", "07_det_mv3_db_v3backbone", "hmean", lambda v: f"{v:.3f}"),
    (r"held-out scenes in\s+(\d+) steps", "07_det_mv3_db_v3backbone", "steps", str),
    (r"held-out scenes in\s+\d+ steps \((\d+) minutes\)", "07_det_mv3_db_v3backbone", "wall_min", lambda v: f"{v:.0f}"),
    (r"`cml_student_s0`\s+\(hmean ([\d.]+), checked in the lesson\)", "cml_student_s0", "hmean", lambda v: f"{v:.3f}"),
]


@pytest.mark.parametrize("pattern,run,key,fmt", QUOTED, ids=[f"{q[1]}:{q[2]}" for q in QUOTED])
def test_readme_quotes_the_committed_run(pattern, run, key, fmt):
    found = re.search(pattern, README)
    assert found, f"README no longer says {pattern!r}: update this test with the README"
    assert found.group(1) == fmt(_final(run)[key]), f"README quotes {found.group(1)}, {run} has {_final(run)[key]}"


def test_readme_gives_the_total_time_of_the_reference_runs_as_the_report_does():
    report = (ROOT / "lessons" / "reference_runs" / "REPORT.md").read_text(encoding="utf-8")
    total = report.strip().splitlines()[-1]
    assert total.startswith("All ") and "committed reference runs together" in total
    flat = " ".join(README.split())
    assert total[0].lower() + total[1:] in flat, "README: copy the report's last line (reference_runs.py --report)"
