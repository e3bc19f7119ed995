"""`ocrcourse eval --predictions OUT.tsv`: every Eval line's label and recognised text, in order."""
from __future__ import annotations

import pytest

from ocrcourse import cli

from smoke import REPO, data_overrides, tiny_data

REC = str(REPO / "configs/rec/ch_PP-OCRv2/ch_PP-OCRv2_rec_quick.yml")


def test_eval_writes_one_prediction_row_per_eval_line(tmp_path, capsys):
    data = tiny_data(tmp_path)
    out = tmp_path / "preds" / "eval.tsv"
    code = cli.main(["eval", "-c", REC, "-o", *data_overrides(data, "rec"),
                     f"Global.character_dict_path={data / 'dict.txt'}", "--predictions", str(out)])
    assert code == 0
    assert '"acc"' in capsys.readouterr().out
    rows = [line.split("\t") for line in out.read_text(encoding="utf-8").splitlines()]
    labels = [line.split("\t", 1)[1] for line in (data / "rec" / "eval.txt").read_text(encoding="utf-8").splitlines()]
    assert [r[0] for r in rows] == labels and all(len(r) == 2 for r in rows)


def test_predictions_refused_for_a_detector(tmp_path, capsys):
    det = str(REPO / "configs/det/ch_ppocr_v2.0/ch_det_mv3_db_v2.0_quick.yml")
    assert cli.main(["eval", "-c", det, "--predictions", str(tmp_path / "x.tsv")]) == 1
    assert "--predictions is for recognisers" in capsys.readouterr().err
    assert not (tmp_path / "x.tsv").exists()
