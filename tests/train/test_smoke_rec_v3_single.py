"""PP-OCRv3 rec without distillation (ch_PP-OCRv3_rec): MultiHead + MultiLoss train through the loop."""
import numpy as np

from smoke import config, data_overrides, tiny_data

V3 = "configs/rec/PP-OCRv3/ch_PP-OCRv3_rec_quick.yml"


def test_ppocrv3_rec_multiloss_trains(tmp_path):
    from ocrcourse.dictionary import load_dict
    from ocrcourse.train import Trainer

    data = tiny_data(tmp_path / "train_data")
    head = "Architecture.Head.head_list"
    cfg = config(V3, *data_overrides(data, "rec"), f"Global.character_dict_path={data}/dict.txt",
                 "Train.loader.batch_size_per_card=8", "Global.epoch_num=1", "Global.max_steps=3",
                 "Global.eval_batch_step=[0,1000]", f"Global.save_model_dir={tmp_path}/out",
                 "Architecture.Backbone.scale=0.25", f"{head}.0.CTCHead.Neck.dims=16",
                 f"{head}.0.CTCHead.Neck.hidden_dims=16", f"{head}.0.CTCHead.Neck.depth=1",
                 f"{head}.1.SARHead.enc_dim=32", f"{head}.1.SARHead.d_k=32",
                 "Train.dataset.transforms.1.RecConAug.image_shape=[48,128,3]",
                 "Train.dataset.transforms.4.RecResizeImg.image_shape=[3,48,128]",
                 "Eval.dataset.transforms.2.RecResizeImg.image_shape=[3,48,128]")
    trainer = Trainer.from_config(cfg)
    n = len(load_dict(str(data / "dict.txt"), True)) + 1
    assert trainer.loss_fn.SARLoss.ignore_index == n + 1       # <PAD>, wired as PaddleOCR's tools/train.py
    history = trainer.fit(progress=False)
    assert len(history) == 3 and np.isfinite(history["loss"]).all()
    assert {"CTCLoss", "SARLoss", "loss"} <= set(history.columns)
