import paddle

from ocrcourse.data import build_dataloader
from ocrcourse.metrics import RecMetric
from ocrcourse.postprocess import build_postprocess
from ocrcourse.train.loop import evaluate
from ocrcourse.train.predictions import predict_rec_texts
from ocrcourse.train.trainer import wire_dictionary_size
from ocrcourse.models import build_model

from smoke import config, data_overrides, tiny_data


def test_predict_rec_texts_agrees_with_evaluate(tmp_path):
    data = tiny_data(tmp_path)
    cfg = config("configs/rec/ch_PP-OCRv2/ch_PP-OCRv2_rec_quick.yml", *data_overrides(data, "rec"),
                 f"Global.character_dict_path={data / 'dict.txt'}", "Eval.loader.batch_size_per_card=5")
    paddle.seed(0)
    post = build_postprocess(cfg["PostProcess"], cfg["Global"])
    arch, _ = wire_dictionary_size(cfg, post)
    model = build_model(arch)
    loader = build_dataloader(cfg, "Eval")
    rows = predict_rec_texts(model, loader, post)
    labels = [line.split("\t", 1)[1] for line in (data / "rec" / "eval.txt").read_text(encoding="utf-8").splitlines()]
    assert [lab for lab, _ in rows] == labels                      # every line, in order
    acc = sum(lab.replace(" ", "") == pred.replace(" ", "") for lab, pred in rows) / len(rows)
    assert abs(evaluate(model, loader, post, RecMetric())["acc"] - acc) < 1e-4
