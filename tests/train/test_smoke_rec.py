"""Recognition and classification smoke tests on tiny synthetic data: CRNN (v2.0), U-DML
distillation (PP-OCRv2), Enhanced CTC + export-center, direction classifier; eval, export."""
from __future__ import annotations

import json
import os
import pickle

import numpy as np
import paddle
import pytest

from smoke import REPO, config, data_overrides, tiny_data

CRNN = "configs/rec/ch_ppocr_v2.0/rec_chinese_lite_train_v2.0_quick.yml"
UDML = "configs/rec/ch_PP-OCRv2/ch_PP-OCRv2_rec_distillation_quick.yml"
ECTC = "configs/rec/ch_PP-OCRv2/ch_PP-OCRv2_rec_enhanced_ctc_loss_quick.yml"
CLS = "configs/cls/cls_mv3_quick.yml"


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    return tiny_data(tmp_path_factory.mktemp("train_data"))


def _rec_overrides(data, out_dir, epochs=2):
    # 48 train crops, batch 8, drop_last: 6 steps per epoch; 32x128 inputs keep CPU steps short
    return [*data_overrides(data, "rec"), f"Global.character_dict_path={data}/dict.txt",
            "Train.loader.batch_size_per_card=8", "Eval.loader.batch_size_per_card=8",
            f"Global.epoch_num={epochs}", f"Global.eval_batch_step=[0,{6 * epochs}]", f"Global.save_model_dir={out_dir}",
            "Train.dataset.transforms.3.RecResizeImg.image_shape=[3,32,128]",
            "Eval.dataset.transforms.2.RecResizeImg.image_shape=[3,32,128]", "Global.seed=0"]


def _dropped(history, n=3):
    return history["loss"].iloc[-n:].mean() < 0.8 * history["loss"].iloc[:n].mean()


@pytest.fixture(scope="module")
def trained_crnn(data, tmp_path_factory):
    from ocrcourse.train import Trainer

    out = tmp_path_factory.mktemp("crnn")
    overrides = [*_rec_overrides(data, out), "Optimizer.lr.learning_rate=0.005", "Architecture.Backbone.scale=0.35"]
    return out, overrides, Trainer.from_config(config(CRNN, *overrides)).fit(progress=False)


def test_crnn_trains_with_metrics_and_checkpoints(trained_crnn):
    out, _, history = trained_crnn
    assert len(history) == 12 and _dropped(history)
    assert {"acc", "norm_edit_dis", "eval_acc"} <= set(history.columns)    # cal_metric_during_train
    assert {"best_accuracy.pdparams", "latest.states", "history.csv"} <= set(os.listdir(out))


def test_crnn_eval_and_export(trained_crnn, tmp_path, capsys):
    from ocrcourse.cli import main
    from ocrcourse.pipeline.export import load_inference_model
    from ocrcourse.train.trainer import build_for_export

    out, overrides, _ = trained_crnn
    assert main(["eval", "-c", str(REPO / CRNN), "-o", *overrides, f"Global.checkpoints={out}/latest"]) == 0
    metric = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert set(metric) >= {"acc", "norm_edit_dis"}

    args = [*overrides, f"Global.pretrained_model={out}/latest", f"Global.save_inference_dir={tmp_path}"]
    assert main(["export", "-c", str(REPO / CRNN), "-o", *args]) == 0
    x = np.random.RandomState(0).uniform(-1, 1, (2, 3, 32, 96)).astype("float32")   # any width
    expected = build_for_export(config(CRNN, *args))(paddle.to_tensor(x)).numpy()
    got = load_inference_model(tmp_path)(x)
    assert got.shape == expected.shape == (2, 24, expected.shape[2])
    np.testing.assert_allclose(got, expected, atol=1e-5)


def test_udml_distillation(data, tmp_path):
    from ocrcourse.train import Trainer

    small = [f"Architecture.Models.{m}.{k}" for m in ("Teacher", "Student")
             for k in ("Backbone.scale=0.25", "Neck.hidden_size=16")]
    cfg = config(UDML, *_rec_overrides(data, tmp_path, epochs=1), *small, "Optimizer.lr.values=[0.005,0.0005]",
                 "Optimizer.lr.warmup_epoch=0")
    history = Trainer.from_config(cfg).fit(progress=False)
    assert len(history) == 6 and _dropped(history, 2)
    assert {"loss_ctc_Student_0", "loss_ctc_Teacher_1", "dml_0", "loss_distance_l2_Student_Teacher_0",
            "eval_acc", "eval_Teacher_acc"} <= set(history.columns)
    prefixes = list(dict.fromkeys(k.split(".")[0] for k in paddle.load(str(tmp_path / "latest.pdparams"))))
    assert prefixes == ["Teacher", "Student"]


def test_enhanced_ctc_and_export_center_command(data, tmp_path, capsys):
    from ocrcourse.cli import main

    overrides = [*_rec_overrides(data, tmp_path, epochs=1), "Architecture.Backbone.scale=0.25",
                 "Architecture.Neck.hidden_size=16", "Optimizer.lr.values=[0.005,0.0005]", "Optimizer.lr.warmup_epoch=0"]
    assert main(["train", "-c", str(REPO / ECTC), "-o", *overrides]) == 0
    history = __import__("pandas").read_csv(tmp_path / "history.csv")
    assert "loss_center" in history.columns and np.isfinite(history["loss"]).all()
    out = tmp_path / "centers.pkl"
    assert main(["export-center", "-c", str(REPO / ECTC), "-o", *overrides,
                 f"Global.pretrained_model={tmp_path}/latest", "--out", str(out)]) == 0
    with open(out, "rb") as f:
        centers = pickle.load(f)
    assert isinstance(centers, dict)                 # barely trained: few or no correct samples
    assert all(np.asarray(v).shape == (96,) for v in centers.values())
    assert "class centers" in capsys.readouterr().out


def test_cls_trains_and_exports(data, tmp_path):
    from ocrcourse.pipeline.export import export_model, load_inference_model
    from ocrcourse.train import Trainer

    cfg = config(CLS, *data_overrides(data, "cls"), "Train.loader.batch_size_per_card=8",
                 "Eval.loader.batch_size_per_card=8", "Global.epoch_num=4", "Global.eval_batch_step=[0,12]",
                 f"Global.save_model_dir={tmp_path}", "Optimizer.lr.learning_rate=0.005", "Global.seed=0")
    # augmentation off: on 24 crops, 12 steps show the loss falling only without BDA + RandAugment
    transforms = cfg["Train"]["dataset"]["transforms"]
    cfg["Train"]["dataset"]["transforms"] = [t for t in transforms if not {"BaseDataAugmentation", "RandAugment"} & set(t)]
    trainer = Trainer.from_config(cfg)
    history = trainer.fit(progress=False)
    assert len(history) == 12 and {"acc", "eval_acc"} <= set(history.columns)
    assert history["loss"].iloc[-3:].mean() < 0.9 * history["loss"].iloc[:3].mean()
    model = trainer.model
    model.eval()
    export_model(model, cfg, tmp_path / "inf")
    x = np.random.RandomState(0).uniform(-1, 1, (2, 3, 48, 192)).astype("float32")
    np.testing.assert_allclose(load_inference_model(tmp_path / "inf")(x), model(paddle.to_tensor(x)).numpy(),
                               atol=1e-5)


def test_pretrained_model_with_another_dictionary_fine_tunes(trained_crnn, tmp_path):
    """As PaddleOCR: `pretrained_model` of another dictionary loads everything but the head's fc,
    which keeps its initial values (with a warning), so official weights fine-tune on a new charset."""
    from ocrcourse.train import Trainer

    out, overrides, _ = trained_crnn
    small = tmp_path / "dict.txt"
    small.write_text("".join(f"{c}\n" for c in "0123456789"), encoding="utf-8")
    cfg = config(CRNN, *overrides, f"Global.character_dict_path={small}", f"Global.pretrained_model={out}/latest",
                 f"Global.save_model_dir={tmp_path}/out")
    trainer = Trainer.from_config(cfg)
    report = trainer.load_report
    assert report.mismatched and all(k.startswith("head.") for k in report.mismatched)
    assert any(k.startswith("backbone.") for k in report.loaded)
    saved = paddle.load(f"{out}/latest.pdparams")
    np.testing.assert_array_equal(trainer.model.state_dict()["backbone.conv1.conv.weight"].numpy(),
                                  saved["backbone.conv1.conv.weight"].numpy())
