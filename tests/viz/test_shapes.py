"""feature_shapes / count_parameters against the measured fixture of config c (PP-OCRv3 student)."""
from __future__ import annotations

import json
from pathlib import Path

from ocrcourse.models import build_model
from ocrcourse.viz.shapes import count_parameters, feature_shapes, show_feature_shapes

FIXTURE = json.loads((Path(__file__).parent.parent / "fixtures" / "c_ppocrv3_det_student.json").read_text())


def test_rows_shapes_and_counts_of_a_det_model(capsys):
    model = build_model(FIXTURE["architecture_config"])
    model.train()
    table = feature_shapes(model, image_size=(64, 64))
    assert model.training                                   # mode restored
    stages = [f"backbone.stage{i}" for i in range(4)]
    assert list(table.index) == ["backbone.conv", *stages, "neck", "head", "(total)"]
    want = [s[:2] + [s[2] // 10, s[3] // 10] for s in FIXTURE["outputs"]["backbone_out"]]
    assert [table.loc[s, "output_shape"] for s in stages] == want
    assert table.loc["neck", "output_shape"] == [1, 96, 16, 16]
    assert table.loc["head", "output_shape"] == {"maps": [1, 1, 64, 64]}
    per_part = FIXTURE["param_counts"]["per_part"]
    assert table.loc["neck", "params"] == per_part["neck"]["trainable"]
    assert table.loc["head", "params"] == per_part["head"]["trainable"]
    assert table.loc[["backbone.conv", *stages], "params"].sum() == per_part["backbone"]["trainable"]
    assert table.loc["(total)", "params"] == FIXTURE["param_counts"]["trainable_numel"]
    show_feature_shapes(model.neck.ins_conv[0], image_size=(8, 8), in_channels=16)
    assert "se_block" in capsys.readouterr().out


def test_count_parameters_with_and_without_bn_statistics():
    model = build_model(FIXTURE["architecture_config"])
    counts = FIXTURE["param_counts"]
    assert count_parameters(model) == counts["trainable_numel"]
    assert count_parameters(model, trainable_only=False) == counts["all_parameters_numel_incl_bn_running_stats"]


def test_distillation_model_rows_are_prefixed():
    arch = {"name": "DistillationModel", "model_type": "det", "algorithm": "Distillation",
            "Models": {"Student": FIXTURE["architecture_config"],
                       "Teacher": dict(FIXTURE["architecture_config"], freeze_params=True)}}
    table = feature_shapes(build_model(arch), image_size=(32, 32))
    assert "Student.neck" in table.index and "Teacher.head" in table.index
    assert table.loc["Teacher.neck", "params"] == 0          # frozen: nothing trainable
