"""Every YAML in configs/ builds (transforms, post-process, model with wired head sizes, loss, metric,
optimizer), and the full recipes carry the official hyper-parameters (facts §9, §11)."""
from __future__ import annotations


import pytest

from smoke import REPO, config

CONFIGS = sorted(p.relative_to(REPO).as_posix() for p in (REPO / "configs").glob("*/**/*.yml")
                 if "inference" not in p.parts)


@pytest.mark.parametrize("rel", CONFIGS)
def test_config_builds(rel):
    from ocrcourse.data import create_operators
    from ocrcourse.losses import build_loss
    from ocrcourse.metrics import build_metric
    from ocrcourse.models import build_model
    from ocrcourse.optim import build_optimizer
    from ocrcourse.postprocess import build_postprocess
    from ocrcourse.errors import ConfigError
    from ocrcourse.train.trainer import center_file_path, wire_dictionary_size

    # the synthetic dictionary does not exist before `make data`: use a packaged one for rec
    cfg = config(rel, *(["Global.character_dict_path=ocrcourse/dicts/en_dict.txt"] if "/rec/" in rel else []))
    for section in ("Train", "Eval"):
        assert create_operators(cfg[section]["dataset"]["transforms"], cfg["Global"])
        assert cfg[section]["dataset"]["data_dir"].startswith("./train_data/synth")
    post = build_postprocess(cfg["PostProcess"], cfg["Global"])
    arch, loss_cfg = wire_dictionary_size(cfg, post)
    if center_file_path(cfg):               # the official enhanced-CTC file names ./train_center.pkl
        with pytest.raises(ConfigError, match="export-center"):     # loaded whenever set (PaddleOCR >= 2.4)
            build_loss(loss_cfg)
        loss_cfg["loss_config_list"][1]["CenterLoss"]["center_file_path"] = None
    build_loss(loss_cfg)
    build_metric(cfg["Metric"])
    if not rel.endswith("_quick.yml") and any(k in rel for k in ("dml", "v3_det_cml", "res18")):
        return                                  # ResNet teachers: ~3 s each to build, skip the model
    if rel.endswith("det_mv3_db_v3backbone_cml.yml"):
        return        # its Teacher loads ppocrv2_det_teacher's checkpoint, made by data_scripts/reference_runs.py
    if rel.endswith("ch_PP-OCRv4_rec_distill.yml"):
        return                                  # its SVTRNet teacher is not built by the course (the header says so)
    model = build_model(arch)
    build_optimizer(cfg["Optimizer"], epochs=cfg["Global"]["epoch_num"], step_each_epoch=10, model=model)


def _lr(cfg):
    o = cfg["Optimizer"]
    return (o["name"], o["beta1"], o["beta2"], o["lr"], o["regularizer"]["factor"], cfg["Global"]["epoch_num"])


def test_official_hyper_parameters():
    cos = {"name": "Cosine", "learning_rate": 0.001, "warmup_epoch": 2}
    assert _lr(config("configs/det/ch_PP-OCRv3/ch_PP-OCRv3_det_cml.yml")) == ("Adam", 0.9, 0.999, cos, 5e-05, 500)
    assert _lr(config("configs/det/ch_PP-OCRv2/ch_PP-OCRv2_det_cml.yml")) == ("Adam", 0.9, 0.999, cos, 0, 1200)
    pw = {"name": "Piecewise", "decay_epochs": [700, 800], "warmup_epoch": 5}
    v3 = config("configs/rec/PP-OCRv3/ch_PP-OCRv3_rec_distillation.yml")
    assert _lr(v3) == ("Adam", 0.9, 0.999, {**pw, "values": [0.0005, 0.00005]}, 3e-05, 800)
    assert v3["Train"]["loader"]["batch_size_per_card"] == 128
    weights = [next(iter(e.values()))["weight"] for e in v3["Loss"]["loss_config_list"]]
    assert weights == [1.0, 0.5, 1.0, 1.0, 1.0]                 # DML ctc, DML sar, l2, CTC, SAR
    v2 = config("configs/rec/ch_PP-OCRv2/ch_PP-OCRv2_rec_distillation.yml")
    assert _lr(v2) == ("Adam", 0.9, 0.999, {**pw, "values": [0.001, 0.0001]}, 2e-05, 800)
    center = config("configs/rec/ch_PP-OCRv2/ch_PP-OCRv2_rec_enhanced_ctc_loss.yml")["Loss"]["loss_config_list"][1]
    assert center["CenterLoss"] | {} == {"weight": 0.05, "num_classes": 6625, "feat_dim": 96, "init_center": False,
                                          "center_file_path": "./train_center.pkl"}
    cml = config("configs/det/ch_PP-OCRv3/ch_PP-OCRv3_det_cml.yml")
    assert list(cml["Architecture"]["Models"]) == ["Student", "Student2", "Teacher"]        # key order, facts §5
    assert list(config("configs/det/ch_PP-OCRv2/ch_PP-OCRv2_det_cml.yml")["Architecture"]["Models"]) == \
        ["Teacher", "Student", "Student2"]
    assert cml["Architecture"]["Models"]["Teacher"]["freeze_params"] is True


QUICK = [rel for rel in CONFIGS if rel.endswith("_quick.yml")]
SYNTH_TRAIN_SAMPLES = {"det": 250, "rec": 2700, "cls": 800}   # synth/<task>/train.txt, as `make data` builds them
OFFICIAL_WARMUP_EPOCHS = {                                    # PaddleOCR's recipes (facts §11); 0: none
    "configs/det/ch_ppocr_v2.0/ch_det_mv3_db_v2.0.yml": 2, "configs/det/ch_PP-OCRv3/ch_PP-OCRv3_det_student.yml": 2,
    "configs/det/ch_PP-OCRv2/ch_PP-OCRv2_det_cml.yml": 2, "configs/det/ch_PP-OCRv3/ch_PP-OCRv3_det_cml.yml": 2,
    "configs/det/ch_PP-OCRv4/ch_PP-OCRv4_det_student.yml": 2, "configs/det/ch_PP-OCRv4/ch_PP-OCRv4_det_cml.yml": 2,
    "configs/rec/ch_ppocr_v2.0/rec_chinese_lite_train_v2.0.yml": 5, "configs/cls/cls_mv3.yml": 0,
    "configs/rec/ch_PP-OCRv2/ch_PP-OCRv2_rec.yml": 5, "configs/rec/ch_PP-OCRv2/ch_PP-OCRv2_rec_distillation.yml": 5,
    "configs/rec/ch_PP-OCRv2/ch_PP-OCRv2_rec_enhanced_ctc_loss.yml": 5,
    "configs/rec/PP-OCRv3/ch_PP-OCRv3_rec.yml": 5, "configs/rec/PP-OCRv3/ch_PP-OCRv3_rec_distillation.yml": 5,
    "configs/rec/PP-OCRv4/ch_PP-OCRv4_rec.yml": 5, "configs/rec/PP-OCRv4/ch_PP-OCRv4_rec_distill.yml": 2,
}


def _official(rel: str) -> str:
    """The official recipe a quick config shortens (a *_v3ctc_quick.yml keeps the PP-OCRv2 recipe's schedule)."""
    return rel.replace("_v3ctc_quick.yml", ".yml").replace("_quick.yml", ".yml")


@pytest.mark.parametrize("rel", QUICK)
def test_quick_warmup_is_a_small_part_of_the_run(rel):
    import math
    import re

    from ocrcourse.optim import lr_curve

    cfg = config(rel)
    lr, epochs, loader = cfg["Optimizer"]["lr"], cfg["Global"]["epoch_num"], cfg["Train"]["loader"]
    samples, batch = SYNTH_TRAIN_SAMPLES[rel.split("/")[1]], loader["batch_size_per_card"]
    steps_per_epoch = samples // batch if loader["drop_last"] else math.ceil(samples / batch)
    if sampler := cfg["Train"].get("sampler"):          # multi-scale: whole rounds of the scales' batches
        from ocrcourse.data.multi_scale import batch_scales
        pairs = batch_scales(sampler["scales"], sampler["first_bs"], sampler.get("fix_bs", True),
                             sampler.get("divided_factor", (8, 16)))
        steps_per_epoch = math.ceil(samples / sum(bs for *_, bs in pairs)) * len(pairs)
    official_cfg = config(_official(rel))
    official = official_cfg["Optimizer"]["lr"].get("warmup_epoch", 0)
    assert official == OFFICIAL_WARMUP_EPOCHS[_official(rel)]      # the official recipes keep theirs
    warmup = lr.get("warmup_epoch", 0)
    if official == 0:
        assert warmup == 0, "no warm-up where the official recipe has none"
    else:
        assert 0 < warmup <= 0.05 * epochs, "warm-up must be a few percent of the quick run"
        text = (REPO / rel).read_text()
        header = " ".join(line.lstrip("#").strip() for line in text.splitlines() if line.startswith("#"))
        warmup_steps = round(warmup * steps_per_epoch)
        assert (f"Warm-up {warmup} epoch (about {warmup_steps} optimiser steps of the {epochs} epochs "
                f"of {steps_per_epoch} steps") in header                   # the header says why, with the numbers
        official_epochs = official_cfg["Global"]["epoch_num"]
        assert re.search(rf"warmup_epoch: {warmup} +# official: {official} \(of {official_epochs} epochs\)", text)
    curve = lr_curve(lr, epochs, steps_per_epoch)
    assert curve[20] > 0.5 * max(curve)                  # `-o Global.max_steps=20` trains at a real LR
    if lr["name"] == "Piecewise":                        # the warm-up shifts the boundaries: the decay
        assert curve[-1] == pytest.approx(lr["values"][-1])   # must still happen inside the quick run


@pytest.mark.parametrize("rel", CONFIGS)
def test_eval_with_a_width_per_line_reads_one_line_per_batch(rel):
    """RecResizeImg eval_mode: true gives a long line its own width, so a batch of several lines cannot be
    stacked (the loader stops with the shapes); PaddleOCR's v4 configs evaluate with batch 1."""
    cfg = config(rel, *(["Global.character_dict_path=ocrcourse/dicts/en_dict.txt"] if "/rec/" in rel else []))
    eval_mode = any((t.get("RecResizeImg") or {}).get("eval_mode") for t in cfg["Eval"]["dataset"]["transforms"])
    if eval_mode:
        assert cfg["Eval"]["loader"]["batch_size_per_card"] == 1
