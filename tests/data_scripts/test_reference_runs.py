"""data_scripts/reference_runs.py: the table is valid and the history summary is right."""
from __future__ import annotations

import importlib.util
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
        assert f"Global.checkpoints=./output/reference_runs/{name}/best_accuracy" in cmd
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
