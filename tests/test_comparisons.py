"""ocrcourse.comparisons: rows from metas, per-arm summary, the non-overlap verdict, the plot."""
from __future__ import annotations

import json

import pytest

from ocrcourse.comparisons import load_comparison, plot_comparison, protocol_of, summarize, verdict

PROTO = {"metric": "acc", "baseline": "single", "arms": {"single": "one", "udml": "two"}, "seeds": [0, 1, 2]}


def _write(root, values, proto=PROTO, comparison="udml"):
    for arm, seeds in values.items():
        for seed, v in enumerate(seeds):
            name = f"{comparison}_{arm}_s{seed}"
            (root / name).mkdir(parents=True)
            (root / name / "meta.json").write_text(json.dumps(
                {"name": name, "comparison": comparison, "arm": arm, "seed": seed, "protocol": proto,
                 "wall_time_s": 10.0, "final_metrics": {"step": 100, "acc": v}}))
    (root / "other").mkdir()
    (root / "other" / "meta.json").write_text(json.dumps({"name": "other", "final_metrics": {}}))


def test_rows_summary_and_a_difference_beyond_the_spread(tmp_path):
    _write(tmp_path, {"udml": [0.8, 0.82, 0.81], "single": [0.7, 0.72, 0.75]})
    runs = load_comparison("udml", tmp_path)
    assert list(runs["arm"]) == ["single"] * 3 + ["udml"] * 3          # the protocol's order, then seed
    assert list(runs["seed"]) == [0, 1, 2, 0, 1, 2]
    s = summarize(runs)
    assert s.loc["udml", "values"] == [0.8, 0.82, 0.81]
    assert s.loc["single", "mean"] == pytest.approx(0.7233333, abs=1e-6)
    assert s.loc["single", "std"] == pytest.approx(0.0251661, abs=1e-6)
    text = verdict(runs, "udml")
    assert "+0.087" in text and "exceeds the seed spread" in text and "above" in text


def test_overlapping_ranges_are_within_noise_and_below_is_said(tmp_path):
    _write(tmp_path, {"single": [0.7, 0.8, 0.75], "udml": [0.78, 0.69, 0.74]})
    assert verdict(load_comparison("udml", tmp_path), "udml").endswith("within noise")
    other = tmp_path / "b"
    _write(other, {"single": [0.7, 0.8, 0.75], "udml": [0.5, 0.6, 0.55]})
    assert "below" in verdict(load_comparison("udml", other), "udml")


def test_mixed_protocols_and_missing_runs_are_refused(tmp_path):
    _write(tmp_path, {"single": [0.7], "udml": [0.8]})
    meta = tmp_path / "udml_udml_s0" / "meta.json"
    changed = json.loads(meta.read_text())
    changed["protocol"] = {**PROTO, "metric": "norm_edit_dis"}
    meta.write_text(json.dumps(changed))
    with pytest.raises(ValueError, match="different protocols"):
        protocol_of("udml", tmp_path)
    with pytest.raises(FileNotFoundError):
        load_comparison("cml", tmp_path)


def test_plot_has_one_column_per_arm(tmp_path):
    import matplotlib
    matplotlib.use("Agg")
    _write(tmp_path, {"single": [0.7, 0.72, 0.75], "udml": [0.8, 0.82, 0.81]})
    fig = plot_comparison(load_comparison("udml", tmp_path))
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["single", "udml"]
    assert len(ax.collections) == 2 and ax.get_ylabel() == "acc"


def test_report_has_every_arm_and_a_verdict_per_pair(tmp_path):
    from ocrcourse.comparisons import report

    proto = {**PROTO, "question": "Q?", "metric_meaning": "exact match", "eval_set": "E", "lesson": "13",
             "arms": {"single": "one", "udml": "two", "third": "three"}}
    _write(tmp_path, {"single": [0.7, 0.72, 0.75], "udml": [0.8, 0.82, 0.81], "third": [0.71, 0.9, 0.6]}, proto)
    text = report(["udml"], tmp_path, command="CMD")
    assert "`CMD`" in text and "Q?" in text
    assert "| udml | 3 | 0.800, 0.820, 0.810 | 0.810 | 0.800–0.820 |" in text
    pairs = [line for line in text.splitlines() if line.startswith("- ")]
    assert len(pairs) == 3                                              # udml-single, third-single, third-udml
    assert "every udml seed above every single seed" in pairs[0]
    assert pairs[1].endswith("within noise")


def test_extra_metrics_ride_along_and_a_missing_one_names_the_run(tmp_path):
    _write(tmp_path, {"single": [0.7, 0.72], "udml": [0.8, 0.82]})
    for meta in tmp_path.glob("udml_*/meta.json"):
        m = json.loads(meta.read_text())
        m["final_metrics"]["ned"] = m["final_metrics"]["acc"] / 2
        meta.write_text(json.dumps(m))
    runs = load_comparison("udml", tmp_path, extra=("ned",))
    assert list(runs["ned"]) == pytest.approx([0.35, 0.36, 0.4, 0.41])
    with pytest.raises(KeyError, match="udml_single_s0"):
        load_comparison("udml", tmp_path, extra=("cer",))


def test_a_borrowed_arm_reads_the_lenders_runs_and_a_missing_lender_is_named(tmp_path):
    _write(tmp_path, {"single": [0.7, 0.72, 0.75]})                       # the lender: comparison udml
    proto = {"metric": "acc", "baseline": "recipe", "arms": {"recipe": "as udml single", "no_l2": "no L2"},
             "seeds": [0, 1, 2], "borrowed": {"recipe": "udml_single_s{seed}"}}
    for seed, v in enumerate([0.6, 0.61, 0.62]):
        name = f"rec_recipe_no_l2_s{seed}"
        (tmp_path / name).mkdir()
        (tmp_path / name / "meta.json").write_text(json.dumps(
            {"name": name, "comparison": "rec_recipe", "arm": "no_l2", "seed": seed, "protocol": proto,
             "wall_time_s": 10.0, "final_metrics": {"step": 100, "acc": v}}))
    runs = load_comparison("rec_recipe", tmp_path)
    assert list(runs["arm"]) == ["recipe"] * 3 + ["no_l2"] * 3
    assert list(runs["run"][:3]) == ["udml_single_s0", "udml_single_s1", "udml_single_s2"]
    assert verdict(runs, "no_l2").endswith("every no_l2 seed below every recipe seed: exceeds the seed spread")
    assert protocol_of("rec_recipe", tmp_path)["borrowed"] == {"recipe": "udml_single_s{seed}"}
    assert len(load_comparison("udml", tmp_path)) == 3                    # the lender is unchanged
    (tmp_path / "udml_single_s2" / "meta.json").unlink()
    with pytest.raises(FileNotFoundError, match="udml_single_s2"):
        load_comparison("rec_recipe", tmp_path)


def test_show_comparison_prints_protocol_runs_and_verdicts(tmp_path, capsys):
    proto = {**PROTO, **{k: k for k in ("question", "task", "eval_set", "metric_meaning", "budget", "reading")}}
    _write(tmp_path, {"single": [0.7, 0.72, 0.75], "udml": [0.8, 0.82, 0.81]}, proto=proto)
    from ocrcourse.comparisons import show_comparison

    runs = show_comparison("udml", tmp_path)
    out = capsys.readouterr().out
    assert len(runs) == 6 and "question: question" in out and "udml_single_s2" in out
    assert out.count("exceeds the seed spread") == 1 and "udml − single: +0.087" in out
