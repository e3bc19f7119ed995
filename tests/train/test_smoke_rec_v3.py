"""PP-OCRv3 rec distillation (two SVTR-LCNet MultiHead models, CTC + SAR) through the same loop, shrunk
for CPU; the trainer wires the head sizes and the SAR padding index from the dictionary, and export
writes one inference model per sub-model whose output equals the dynamic CTC branch."""
from __future__ import annotations

import numpy as np
import paddle

from smoke import config, data_overrides, tiny_data

V3 = "configs/rec/PP-OCRv3/ch_PP-OCRv3_rec_distillation_quick.yml"


def _small(model):
    head = f"Architecture.Models.{model}.Head.head_list"
    return [f"Architecture.Models.{model}.Backbone.scale=0.25", f"{head}.0.CTCHead.Neck.dims=16",
            f"{head}.0.CTCHead.Neck.hidden_dims=16", f"{head}.0.CTCHead.Neck.depth=1",
            f"{head}.1.SARHead.enc_dim=32", f"{head}.1.SARHead.d_k=32"]


def test_ppocrv3_rec_distillation_trains_and_exports(tmp_path):
    from ocrcourse.dictionary import load_dict
    from ocrcourse.pipeline.export import export_model, load_inference_model
    from ocrcourse.train import Trainer

    data = tiny_data(tmp_path / "train_data")
    cfg = config(V3, *data_overrides(data, "rec"), f"Global.character_dict_path={data}/dict.txt",
                 "Train.loader.batch_size_per_card=8", "Global.epoch_num=1", "Global.max_steps=3",
                 "Global.eval_batch_step=[0,1000]", f"Global.save_model_dir={tmp_path}/out",
                 "Train.dataset.transforms.1.RecConAug.image_shape=[48,128,3]",
                 "Train.dataset.transforms.4.RecResizeImg.image_shape=[3,48,128]",
                 "Eval.dataset.transforms.2.RecResizeImg.image_shape=[3,48,128]", *_small("Teacher"), *_small("Student"))
    trainer = Trainer.from_config(cfg)
    n = len(load_dict(str(data / "dict.txt"), True)) + 1           # characters + space + blank
    head = trainer.model.Student.head
    assert head.ctc_head.fc.weight.shape[1] == n                    # CTC: n classes
    sar_loss = [f for f in trainer.loss_fn.loss_func if type(f).__name__ == "DistillationSARLoss"][0]
    assert sar_loss.ignore_index == n + 1                           # SAR: <PAD> = n + 1, as tools/train.py
    history = trainer.fit(progress=False)
    assert len(history) == 3 and np.isfinite(history["loss"]).all()
    assert {"dml_ctc_0", "dml_sar_0", "loss_distance_l2_Student_Teacher_0", "loss_ctc_Student_0",
            "loss_sar_Teacher_1", "acc", "Teacher_acc"} <= set(history.columns)

    model = trainer.model
    model.eval()
    dirs = export_model(model, cfg, tmp_path / "inf")
    assert [d.name for d in dirs] == ["Teacher", "Student"]
    x = np.random.RandomState(0).uniform(-1, 1, (1, 3, 48, 96)).astype("float32")
    model.Student.return_all_feats = False
    expected = model.Student(paddle.to_tensor(x)).numpy()
    got = load_inference_model(tmp_path / "inf" / "Student")(x)
    assert got.shape == expected.shape == (1, 12, n)
    np.testing.assert_allclose(got, expected, atol=1e-5)
