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
    from ocrcourse.train.trainer import wire_dictionary_size

    # the synthetic dictionary does not exist before `make data`: use a packaged one for rec
    cfg = config(rel, *(["Global.character_dict_path=ocrcourse/dicts/en_dict.txt"] if "/rec/" in rel else []))
    for section in ("Train", "Eval"):
        assert create_operators(cfg[section]["dataset"]["transforms"], cfg["Global"])
        assert cfg[section]["dataset"]["data_dir"].startswith("./train_data/synth")
    post = build_postprocess(cfg["PostProcess"], cfg["Global"])
    arch, loss_cfg = wire_dictionary_size(cfg, post)
    build_loss(loss_cfg)
    build_metric(cfg["Metric"])
    if not rel.endswith("_quick.yml") and any(k in rel for k in ("dml", "v3_det_cml", "res18")):
        return                                  # ResNet teachers: ~3 s each to build, skip the model
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


QUICK_DET = [rel for rel in CONFIGS if rel.startswith("configs/det/") and rel.endswith("_quick.yml")]
SYNTH_DET_TRAIN_IMAGES = 250          # ./train_data/synth/det/train.txt, as `make data` builds it


@pytest.mark.parametrize("rel", QUICK_DET)
def test_quick_det_warmup_is_a_small_part_of_the_run(rel):
    import math

    from ocrcourse.optim import cosine_warmup_lr

    cfg = config(rel)
    lr, epochs = cfg["Optimizer"]["lr"], cfg["Global"]["epoch_num"]
    assert 0 < lr["warmup_epoch"] <= 0.05 * epochs, "warm-up must be a few percent of the quick run"
    assert f"Warm-up {lr['warmup_epoch']} epoch" in (REPO / rel).read_text()        # the header says so
    steps_per_epoch = math.ceil(SYNTH_DET_TRAIN_IMAGES / cfg["Train"]["loader"]["batch_size_per_card"])
    warmup_steps = round(lr["warmup_epoch"] * steps_per_epoch)
    at_20 = cosine_warmup_lr(20, lr["learning_rate"], epochs * steps_per_epoch, warmup_steps)
    assert at_20 > 0.5 * lr["learning_rate"]            # `-o Global.max_steps=20` trains at a real LR
    official = config(rel.replace("_quick.yml", ".yml"))["Optimizer"]["lr"]
    assert official["warmup_epoch"] == 2                # the official recipes keep theirs
