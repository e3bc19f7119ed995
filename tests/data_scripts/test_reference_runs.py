"""data_scripts/reference_runs.py: the table is valid and the history summary is right."""
from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[2]


def _script():
    spec = importlib.util.spec_from_file_location("_reference_runs", ROOT / "data_scripts" / "reference_runs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_entry_loads_with_its_overrides():
    from ocrcourse.config import load_config
    from ocrcourse.course_map import LESSONS

    runs = _script()
    stems = {stem for _, stem, *_ in LESSONS}
    for name, spec in runs.REFERENCE_RUNS.items():
        assert (ROOT / spec["config"]).is_file(), name
        assert spec["lesson"] in stems, name
        overrides = [o.replace("{official:", "").replace("}", "") for o in spec["overrides"]]
        load_config(ROOT / spec["config"], overrides)          # raises on a bad key path
        cmd = runs.command_for(name, "out", resolve=False)
        assert cmd[1:5] == ["-m", "ocrcourse.cli", "train", "-c"] and cmd[-1] == "Global.save_model_dir=out"


def test_placeholder_is_left_alone_without_official_marker():
    runs = _script()
    assert runs.resolve_override("Global.epoch_num=4") == "Global.epoch_num=4"


def test_eval_metrics_final_and_best():
    runs = _script()
    h = pd.DataFrame({"step": [1, 2, 3, 4], "loss": [4.0, 3.0, 2.0, 1.0],
                      "eval_hmean": [np.nan, 0.5, np.nan, 0.4], "eval_precision": [np.nan, 0.6, np.nan, 0.7]})
    final, best = runs.eval_metrics(h)
    assert final == {"step": 4, "hmean": 0.4, "precision": 0.7}
    assert best == {"step": 2, "hmean": 0.5, "precision": 0.6}
    assert runs.eval_metrics(h[["step", "loss"]]) == ({}, {})


def test_predictions_command_reads_the_best_checkpoint_of_a_rec_run():
    runs = _script()
    with_predictions = [n for n, spec in runs.REFERENCE_RUNS.items() if spec.get("predictions")]
    assert with_predictions
    for name in with_predictions:
        cmd = runs.predictions_command(name)
        assert cmd[:3] == ["eval", "-c", runs.REFERENCE_RUNS[name]["config"]]
        which = runs.REFERENCE_RUNS[name].get("predictions_from", "best_accuracy")
        assert which in ("best_accuracy", "latest")
        assert f"Global.checkpoints=./output/reference_runs/{name}/{which}" in cmd
        assert cmd[-2:] == ["--predictions", f"./lessons/reference_runs/{name}/predictions.tsv"]


def _override_dict(overrides):
    return dict(o.split("=", 1) for o in overrides)


def test_det_teacher_has_its_own_larger_budget_on_the_pairs_data_and_crops():
    runs = _script()
    teacher = _override_dict(runs.REFERENCE_RUNS["ppocrv2_det_teacher"]["overrides"])
    student = _override_dict(runs.REFERENCE_RUNS["ppocrv2_det_student"]["overrides"])
    assert int(teacher["Global.max_steps"]) > int(student["Global.max_steps"])
    budget = set(runs._DET_TEACHER_BUDGET_KEYS)
    shared = {k: v for k, v in student.items() if k not in budget and k != "Global.pretrained_model"}
    assert {k: teacher[k] for k in shared} == shared


def test_det_student_and_cml_differ_only_by_recipe():
    runs = _script()
    student = _override_dict(runs.REFERENCE_RUNS["ppocrv2_det_student"]["overrides"])
    cml = _override_dict(o.replace("transforms.4.", "transforms.3.")
                         for o in runs.REFERENCE_RUNS["ppocrv2_det_cml"]["overrides"])
    start = student.pop("Global.pretrained_model")
    assert cml["Architecture.Models.Student.pretrained"] == start
    assert cml["Architecture.Models.Student2.pretrained"] == start
    assert {k: cml[k] for k in student} == student


def test_every_run_states_its_lesson_start_and_seed():
    runs = _script()
    for name, spec in runs.REFERENCE_RUNS.items():
        keys = runs.run_keys(name)
        assert keys["lesson"] == spec["lesson"], name
        assert isinstance(keys["from_scratch"], bool) and keys["start"], name
        assert isinstance(keys["seed"], int), name
        assert ("comparison" in keys) == ("arm" in keys), name
        if keys["from_scratch"]:
            assert not any("pretrained" in o or "checkpoints" in o for o in spec["overrides"]), name
        for step in spec.get("prepare", []):
            assert step in runs.PREPARE, name


def test_runs_of_a_comparison_have_distinct_arms_and_one_seed_set():
    runs = _script()
    by_comparison = {}
    for name in runs.REFERENCE_RUNS:
        keys = runs.run_keys(name)
        if "comparison" in keys:
            by_comparison.setdefault(keys["comparison"], []).append(keys)
    assert by_comparison
    for comparison, arms in by_comparison.items():
        borrowed = [a for a, spec in runs.COMPARISONS.get(comparison, {"arms": {}})["arms"].items()
                    if "borrow" in spec]
        assert len({k["arm"] for k in arms} | set(borrowed)) >= 2, comparison
        seeds = {}
        for k in arms:
            seeds.setdefault(k["arm"], set()).add(k["seed"])
        assert len({frozenset(s) for s in seeds.values()}) == 1, comparison   # every arm: the same seeds


def test_groups_expand_to_runs_in_table_order():
    runs = _script()
    names = list(runs.REFERENCE_RUNS)
    assert runs.expand(["09_crnn_recognition"]) == [n for n in names if runs.REFERENCE_RUNS[n]["lesson"] == "09_crnn_recognition"]
    # a run named twice, directly and by its group, runs once; the table order wins over the argument order
    got = runs.expand(["ppocrv2_det_cml", "12_cml_detection", "ppocrv2_det_teacher"])
    assert got[:3] == ["ppocrv2_det_teacher", "ppocrv2_det_student", "ppocrv2_det_cml"]
    assert got[3:] == [f"cml_{arm}_s{seed}" for arm in ("student", "dml", "cml") for seed in (0, 1, 2)]
    import pytest

    with pytest.raises(SystemExit):
        runs.expand(["no_such_run"])


def test_the_runs_that_learn_are_from_scratch_or_say_what_they_load():
    runs = _script()
    rec = runs.REFERENCE_RUNS["09_rec_crnn_codes"]
    assert rec["from_scratch"] and rec["prepare"] == ["codes_data"]
    det = runs.REFERENCE_RUNS["07_det_mv3_db_v3backbone"]
    assert not det["from_scratch"] and "backbone" in det["start"]
    from ocrcourse.config import load_config

    cfg = load_config(ROOT / det["config"])
    assert cfg["Global"]["pretrained_model"] == runs.DET_BACKBONE


def test_data_stamp_follows_the_configs_data_dir(tmp_path, monkeypatch):
    runs = _script()
    monkeypatch.setattr(runs, "ROOT", tmp_path)
    (tmp_path / "configs").mkdir()
    (tmp_path / "configs" / "c.yml").write_text(
        "Train:\n  dataset:\n    data_dir: ./train_data/synth_codes/rec/\n", encoding="utf-8")
    (tmp_path / "train_data" / "synth_codes").mkdir(parents=True)
    (tmp_path / "train_data" / "synth_codes" / ".stamp.json").write_text('{"task": "codes"}')
    assert runs.data_stamp("configs/c.yml") == {"task": "codes"}
    assert runs.data_stamp() == {}


def test_det_backbone_file_holds_the_backbone_only(tmp_path, monkeypatch):
    import paddle

    runs = _script()
    monkeypatch.setattr(runs, "ROOT", tmp_path)
    counts = runs.prepare_det_backbone("bb.pdparams")
    state = paddle.load(str(tmp_path / "bb.pdparams"))
    assert counts["kept"] == len(state) > 0 and counts["dropped"] > 0
    assert all(k.startswith("backbone.") for k in state)


def test_a_run_evaluated_at_its_end_reads_its_last_weights():
    runs = _script()
    spec = runs.REFERENCE_RUNS["09_rec_crnn_codes"]
    assert spec["end_eval"] and spec["predictions_from"] == "latest"
    assert "Global.checkpoints=./output/reference_runs/09_rec_crnn_codes/latest" in runs.predictions_command("09_rec_crnn_codes")


def test_update_meta_and_total_time(tmp_path):
    import json

    runs = _script()
    (tmp_path / "09_rec_crnn").mkdir()
    (tmp_path / "09_rec_crnn" / "meta.json").write_text(json.dumps({"name": "09_rec_crnn", "wall_time_s": 10.0}))
    (tmp_path / "09_rec_crnn_codes").mkdir()
    (tmp_path / "09_rec_crnn_codes" / "meta.json").write_text(json.dumps({"wall_time_s": 5.0, "cpu_time_s": 8.0}))
    assert runs.update_meta("09_rec_crnn", tmp_path) and not runs.update_meta("07_det_mv3_db", tmp_path)
    meta = json.loads((tmp_path / "09_rec_crnn" / "meta.json").read_text())
    assert meta["from_scratch"] is True and meta["seed"] == 0 and meta["wall_time_s"] == 10.0
    total = runs.total_time(tmp_path)
    assert total == {"runs": 2, "wall_time_s": 15.0, "cpu_time_s": 8.0, "runs_with_cpu_time": 1,
                     "wall_time_s_of_runs_without_cpu_time": 10.0}


def test_comparisons_fix_their_protocol_and_generate_every_arm_and_seed():
    runs = _script()
    assert set(runs.COMPARISONS) == {"udml", "enhanced_ctc", "cml", "rec_recipe", "rec_tia_bda",
                                   "cls_resolution", "det_copypaste"}
    for comparison, proto in runs.COMPARISONS.items():
        assert len(proto["seeds"]) >= 3, comparison
        for key in ("question", "task", "eval_set", "metric", "budget", "reading", "baseline"):
            assert proto[key], (comparison, key)
        assert proto["baseline"] in proto["arms"]
        names = [f"{comparison}_{arm}_s{seed}" for arm, spec in proto["arms"].items() if "borrow" not in spec
                 for seed in proto["seeds"]]
        for name in names:
            spec = runs.REFERENCE_RUNS[name]
            keys = runs.run_keys(name)
            assert keys["comparison"] == comparison and keys["seed"] == int(name.rsplit("_s", 1)[1])
            assert "{seed}" not in repr(spec), name
            meta_protocol = runs.protocol(name)
            assert meta_protocol["metric"] == proto["metric"] and set(meta_protocol["arms"]) == set(proto["arms"])
        # the arms differ in config and recipe only: the same budget overrides apart from the seed
        # (a transform's index may differ: an arm that adds a transform shifts the crop's)
        def run_of(arm, seed=0):
            spec = proto["arms"][arm]
            return spec["borrow"].replace("{seed}", str(seed)) if "borrow" in spec else f"{comparison}_{arm}_s{seed}"

        budgets = {arm: [re.sub(r"transforms\.\d+\.", "transforms.N.", o)
                         for o in runs.REFERENCE_RUNS[run_of(arm)]["overrides"]
                         if o.split("=", 1)[0] in ("Global.epoch_num", "Global.eval_batch_step",
                                                   "Optimizer.lr.learning_rate")
                         or "EastRandomCropData" in o
                         or (o.startswith("Optimizer.lr.warmup_epoch") and comparison != "rec_recipe")]
                   for arm in proto["arms"]}
        assert len({tuple(b) for b in budgets.values()}) == 1, (comparison, budgets)


def test_a_borrowed_arm_is_the_same_run_as_its_lender():
    """An arm with "borrow" runs nothing: the lender's seed, config and overrides must be the arm's own."""
    runs = _script()
    borrowed = 0
    for comparison, proto in runs.COMPARISONS.items():
        for arm, spec in proto["arms"].items():
            if "borrow" not in spec:
                continue
            assert runs.protocol(next(n for n in runs.REFERENCE_RUNS if runs.REFERENCE_RUNS[n].get("comparison")
                                      == comparison))["borrowed"][arm] == spec["borrow"]
            for seed in proto["seeds"]:
                lender = runs.REFERENCE_RUNS[spec["borrow"].replace("{seed}", str(seed))]
                assert lender["config"] == spec["config"], (comparison, arm)
                assert lender["overrides"] == [f"Global.seed={seed}", *spec["overrides"]], (comparison, arm, seed)
                assert lender.get("from_scratch") == spec["from_scratch"]
                borrowed += 1
            assert f"{comparison}_{arm}_s0" not in runs.REFERENCE_RUNS
    assert borrowed == 9


def test_a_run_waits_for_the_run_it_starts_from(tmp_path, monkeypatch):
    runs = _script()
    monkeypatch.setattr(runs, "ROOT", tmp_path)
    got = runs.with_dependencies(["enhanced_ctc_ctc_s1"])
    assert got == ["udml_single_s1", "enhanced_ctc_ctc_s1"]
    (tmp_path / "output" / "reference_runs" / "udml_single_s1").mkdir(parents=True)
    (tmp_path / "output" / "reference_runs" / "udml_single_s1" / "latest.pdparams").write_bytes(b"")
    assert runs.with_dependencies(["enhanced_ctc_ctc_s1"]) == ["enhanced_ctc_ctc_s1"]


def test_the_committed_report_is_what_the_command_writes_now():
    """README links lessons/reference_runs/REPORT.md: stale numbers there fail here (re-run --report)."""
    rr = _script()
    assert rr.REPORT.read_text(encoding="utf-8") == rr.report(), "run: python data_scripts/reference_runs.py --report"
