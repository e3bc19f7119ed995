"""Every official-named YAML in configs/ matches PaddleOCR's file of the same path, key by key.

The official files are stored as facts in tests/fixtures/paddleocr_configs/ (verbatim copies, with
repository, path and commit in SOURCES.json). Differences the course makes on purpose are listed
below, each with its reason; any other difference -- a changed value, a missing or an extra key --
fails, so a recipe cannot drift silently (issue #21: a missing `warmup_epoch: 5`).
"""
from __future__ import annotations

import copy
import fnmatch
import json
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "paddleocr_configs"
SOURCES = {k: v for k, v in json.loads((FIXTURES / "SOURCES.json").read_text(encoding="utf-8")).items()
           if not k.startswith("_")}

# Departures in every course config, wherever the value differs: {dotted-key pattern: reason}.
COURSE = {
    "Train.dataset.data_dir": "course data: the synthetic sets `make data` builds under ./train_data/synth/",
    "Train.dataset.label_file_list": "course data: the synthetic sets' label files",
    "Eval.dataset.data_dir": "course data: the synthetic sets `make data` builds under ./train_data/synth/",
    "Eval.dataset.label_file_list": "course data: the synthetic sets' label files",
    "Global.infer_img": "course images: doc/imgs* live in PaddleOCR's repository, not in the course",
    "Global.save_model_dir": "one output folder per course config, so different recipes do not overwrite each other",
    "Global.save_res_path": "written next to the run's other outputs",
    "Global.seed": "course addition: a fixed seed so runs repeat (PaddleOCR uses 1024 when the key is absent)",
    "Global.pretrained_model": "the ImageNet / distilled weights under ./pretrain_models are not shipped; "
                               "the header names the official value, set it with -o",
    "Architecture.Models.Teacher.pretrained": "the trained teacher is not shipped; the header names the "
                                              "official path, set it with -o",
}
_DML_PAIRS = ("the official file gives model_name_pairs twice; YAML keeps the second, a flat pair, which "
              "PaddleOCR wraps into [[Student, Student2]]; ours writes that nested form")
_ALBUMENTATIONS = ("the stored copy is from PaddleOCR >= 2.9, which renamed the imgaug augmenters to "
                   "albumentations names (HorizontalFlip; RandomScale scale_limit); release 2.6, which the "
                   "course follows, writes Fliplr and Resize size: the same augmentation")
# Departures of one file: {config path: {dotted-key pattern: reason}}; each must still be needed.
PER_FILE = {
    "configs/det/ch_PP-OCRv2/ch_PP-OCRv2_det_cml.yml": {
        "Loss.loss_config_list.1.DistillationDMLLoss.model_name_pairs*": _DML_PAIRS},
    "configs/det/ch_PP-OCRv3/ch_PP-OCRv3_det_cml.yml": {
        "Loss.loss_config_list.1.DistillationDMLLoss.model_name_pairs*": _DML_PAIRS},
    "configs/det/ch_PP-OCRv3/ch_PP-OCRv3_det_dml.yml": {
        "Loss.loss_config_list.0.DistillationDMLLoss.model_name_pairs*": _DML_PAIRS},
    "configs/det/ch_PP-OCRv2/ch_PP-OCRv2_det_student.yml": {
        "Train.dataset.transforms.2.IaaAugment.augmenter_args.*": _ALBUMENTATIONS},
    "configs/det/ch_ppocr_v2.0/ch_det_res18_db_v2.0.yml": {
        "Train.dataset.transforms.2.IaaAugment.augmenter_args.*": _ALBUMENTATIONS},
    "configs/det/ch_ppocr_v2.0/ch_det_mv3_db_v2.0.yml": {
        "Global.load_static_weights": "a static-graph flag of the 2.0 release in the stored copy; "
                                      "PaddleOCR >= 2.1 no longer reads it"},
    "configs/rec/ch_PP-OCRv2/ch_PP-OCRv2_rec_enhanced_ctc_loss.yml": {
        "Train.dataset.transforms.4.KeepKeys.keep_keys": "label_ace feeds only the optional ACE loss, which the "
                                                         "official file comments out (the header says so)"},
}
ABSENT = "<absent>"


def flatten(node, prefix: str = "") -> dict:
    """{dotted.key: leaf value}; list items that are dicts or lists get their index as a key."""
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            out.update(flatten(value, f"{prefix}.{key}" if prefix else str(key)))
        return out
    if isinstance(node, list) and any(isinstance(item, (dict, list)) for item in node):
        out = {}
        for i, item in enumerate(node):
            out.update(flatten(item, f"{prefix}.{i}"))
        return out
    return {prefix: node}


def differences(official: dict, ours: dict) -> dict:
    """{dotted key: (official value, our value)} for every key whose value differs or is missing."""
    a, b = flatten(official), flatten(ours)
    return {k: (a.get(k, ABSENT), b.get(k, ABSENT)) for k in sorted(set(a) | set(b))
            if a.get(k, ABSENT) != b.get(k, ABSENT)}


def _official(rel: str) -> dict:
    cfg = yaml.safe_load((FIXTURES / rel).read_text(encoding="utf-8"))
    for dotted, value in SOURCES[rel].get("release_updates", {}).items():
        *parents, last = dotted.split(".")
        node = cfg
        for key in parents:
            node = node[key]
        node[last] = value
    return cfg


def _reason(rules: dict, key: str) -> str | None:
    return next((reason for pattern, reason in rules.items() if fnmatch.fnmatchcase(key, pattern)), None)


def test_every_official_named_config_has_a_fixture():
    # official-named: the header cites PaddleOCR's file of the same path (quick variants cite the full file)
    named = {rel for rel in (p.relative_to(REPO).as_posix() for p in (REPO / "configs").glob("*/**/*.yml"))
             if f"PaddleOCR {rel}" in (REPO / rel).read_text(encoding="utf-8")}
    assert len(named) >= 14
    assert named <= set(SOURCES), f"no PaddleOCR fixture for {sorted(named - set(SOURCES))}"
    for rel, source in SOURCES.items():
        assert source["repo"] == "PaddlePaddle/PaddleOCR" and source["path"] == rel
        assert len(source["commit"]) == 40 and (FIXTURES / rel).is_file()


@pytest.mark.parametrize("rel", sorted(SOURCES))
def test_config_matches_paddleocr_except_listed_departures(rel):
    ours = yaml.safe_load((REPO / rel).read_text(encoding="utf-8"))
    diffs = differences(_official(rel), ours)
    own_rules = PER_FILE.get(rel, {})
    unexplained = {k: v for k, v in diffs.items() if _reason({**COURSE, **own_rules}, k) is None}
    assert not unexplained, (f"{rel} differs from PaddleOCR {SOURCES[rel]['commit'][:10]} "
                             f"(official, ours): {unexplained}")
    unused = [p for p in own_rules if not any(fnmatch.fnmatchcase(k, p) for k in diffs)]
    assert not unused, f"{rel}: listed departures no longer needed, remove them: {unused}"


def test_the_comparison_catches_drift():
    """The issue's case: the official warm-up missing from our file is reported, and so is an extra key."""
    rel = "configs/rec/ch_ppocr_v2.0/rec_chinese_lite_train_v2.0.yml"
    ours = yaml.safe_load((REPO / rel).read_text(encoding="utf-8"))
    drifted = copy.deepcopy(ours)
    del drifted["Optimizer"]["lr"]["warmup_epoch"]
    drifted["Train"]["loader"]["batch_size_per_card"] = 128
    diffs = differences(_official(rel), drifted)
    assert diffs["Optimizer.lr.warmup_epoch"] == (5, ABSENT)
    assert diffs["Train.loader.batch_size_per_card"] == (256, 128)
    assert _reason(COURSE, "Optimizer.lr.warmup_epoch") is None
