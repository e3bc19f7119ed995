"""PP-OCRv4 rec training YAMLs run: the GTC-NRTR student with multi-scale batches (CTC + NRTR MultiLoss) and
the distillation (DKD on the NRTR branch + DistillCTCLogits + the student's CTC and NRTR losses), 2 optimiser
steps each on the tiny synthetic set, shrunk for CPU; the trainer sizes the NRTR head from the dictionary."""
from __future__ import annotations

import numpy as np
import pytest

from smoke import config, data_overrides, tiny_data

V4 = "configs/rec/PP-OCRv4"


def _small(prefix: str) -> list[str]:
    head = f"{prefix}.Head.head_list"
    return [f"{prefix}.Backbone.scale=0.25", f"{head}.0.CTCHead.Neck.dims=16", f"{head}.0.CTCHead.Neck.hidden_dims=16",
            f"{head}.0.CTCHead.Neck.depth=1", f"{head}.1.NRTRHead.nrtr_dim=32", f"{head}.1.NRTRHead.num_decoder_layers=1"]


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    return tiny_data(tmp_path_factory.mktemp("v4") / "train_data")


def _common(data, tmp_path):
    return [*data_overrides(data, "rec"), f"Global.character_dict_path={data}/dict.txt", "Global.epoch_num=1",
            "Global.max_steps=2", "Global.eval_batch_step=[0,1000]", f"Global.save_model_dir={tmp_path}/out",
            "Eval.dataset.transforms.2.RecResizeImg.image_shape=[3,48,160]"]


def test_v4_rec_gtc_multiscale_trains(data, tmp_path):
    from ocrcourse.dictionary import load_dict
    from ocrcourse.train import Trainer

    cfg = config(f"{V4}/ch_PP-OCRv4_rec_quick.yml", *_common(data, tmp_path), *_small("Architecture"),
                 "Train.sampler.scales=[[160,32],[160,48]]", "Train.sampler.first_bs=6",
                 "Train.dataset.transforms.1.RecConAug.image_shape=[48,160,3]")
    trainer = Trainer.from_config(cfg)
    n = len(load_dict(str(data / "dict.txt"), True)) + 1                # characters + space + blank
    head = trainer.model.head
    assert head.ctc_head.fc.weight.shape[1] == n
    assert head.gtc_head.tgt_word_prj.weight.shape[1] == n + 3 + 1       # NRTRLabelDecode n + 3, projection + 1
    shapes = {tuple(batch[0].shape) for _, batch in zip(range(4), trainer.train_loader)}
    assert {s[2:] for s in shapes} == {(32, 160), (48, 160)} and {s[0] for s in shapes} == {6, 4}
    history = trainer.fit(progress=False)
    assert len(history) == 2 and np.isfinite(history["loss"]).all()
    assert {"CTCLoss", "NRTRLoss", "loss"} <= set(history.columns)


def test_v4_rec_distill_trains(data, tmp_path):
    from ocrcourse.train import Trainer

    cfg = config(f"{V4}/ch_PP-OCRv4_rec_distill_quick.yml", *_common(data, tmp_path),
                 *_small("Architecture.Models.Teacher"), *_small("Architecture.Models.Student"),
                 "Train.loader.batch_size_per_card=4", "Train.dataset.transforms.3.RecResizeImg.image_shape=[3,48,160]")
    trainer = Trainer.from_config(cfg)
    history = trainer.fit(progress=False)
    assert len(history) == 2 and np.isfinite(history["loss"]).all()
    terms = {"dkd_0", "loss_ctc_Student_0", "loss_nrtr_Student_0", "ctc_logits_0"}
    assert terms <= set(history.columns)
    row = history.iloc[-1]
    assert row["loss"] == pytest.approx(sum(row[t] for t in terms), rel=1e-4)
    assert all(p.stop_gradient for p in trainer.model.Teacher.parameters())    # freeze_params: true
