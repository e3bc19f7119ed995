"""Config system: PaddleOCR-schema YAML, `-o` overrides, errors that list valid choices."""
import textwrap

import pytest

from ocrcourse.config import apply_overrides, load_config, parse_override
from ocrcourse.errors import ConfigError

OFFICIAL_STYLE = textwrap.dedent("""\
    Global:
      use_gpu: true
      epoch_num: 500
      save_model_dir: ./output/rec/
      character_dict_path: ppocr/utils/ppocr_keys_v1.txt
      max_text_length: &max_text_length 25
      use_space_char: true
    Optimizer:
      name: Adam
      beta1: 0.9
      lr:
        name: Cosine
        learning_rate: 0.001
        warmup_epoch: 2
      regularizer:
        name: L2
        factor: 1e-5
    Architecture:
      model_type: &model_type "rec"
      name: DistillationModel
      algorithm: Distillation
      Models:
        Teacher:
          model_type: *model_type
          Backbone: {name: MobileNetV1Enhance, scale: 0.5}
    Loss:
      name: CombinedLoss
      loss_config_list:
      - DistillationCTCLoss: {weight: 1.0, model_name_list: ["Student", "Teacher"], key: head_out}
    Train:
      dataset:
        name: SimpleDataSet
        data_dir: ./train_data/
        transforms:
          - DecodeImage: {img_mode: BGR, channel_first: False}
          - CTCLabelEncode: {max_text_length: *max_text_length}
          - RecResizeImg: {image_shape: [3, 32, 320]}
          - KeepKeys: {keep_keys: ['image', 'label', 'length']}
      loader: {shuffle: true, batch_size_per_card: 128, drop_last: true, num_workers: 8}
""")


@pytest.fixture
def cfg_path(tmp_path):
    p = tmp_path / "official_style.yml"
    p.write_text(OFFICIAL_STYLE, encoding="utf-8")
    return p


def test_official_style_config_loads_unchanged(cfg_path):
    cfg = load_config(cfg_path)
    assert cfg["Global"]["max_text_length"] == 25
    # anchors / aliases resolve as PaddleOCR's configs expect
    assert cfg["Architecture"]["Models"]["Teacher"]["model_type"] == "rec"
    assert cfg["Train"]["dataset"]["transforms"][1]["CTCLabelEncode"]["max_text_length"] == 25
    # `1e-5` is a float (plain YAML 1.1 would read it as a string)
    assert cfg["Optimizer"]["regularizer"]["factor"] == pytest.approx(1e-5)
    assert isinstance(cfg["Optimizer"]["regularizer"]["factor"], float)
    assert cfg["Train"]["dataset"]["transforms"][0]["DecodeImage"]["channel_first"] is False


@pytest.mark.parametrize("item, path, value", [
    ("Global.epoch_num=2", ["Global", "epoch_num"], 2),
    ("Optimizer.lr.learning_rate=1e-3", ["Optimizer", "lr", "learning_rate"], 1e-3),
    ("Global.use_gpu=false", ["Global", "use_gpu"], False),
    ("Global.save_model_dir=./output/x", ["Global", "save_model_dir"], "./output/x"),
    ("Train.dataset.size=[640,640]", ["Train", "dataset", "size"], [640, 640]),
    ("Global.infer_img=doc/imgs_en/img_10.jpg", ["Global", "infer_img"], "doc/imgs_en/img_10.jpg"),
])
def test_parse_override_types(item, path, value):
    assert parse_override(item) == (path, value)


def test_overrides_lists_and_new_keys(cfg_path):
    cfg = load_config(cfg_path, [
        "Train.dataset.transforms.2.RecResizeImg.image_shape=[3,48,320]",
        "Global.max_steps=10",
        "Global.new_section.deep.key=abc",
        "Train.loader.batch_size_per_card=4",
    ])
    assert cfg["Train"]["dataset"]["transforms"][2]["RecResizeImg"]["image_shape"] == [3, 48, 320]
    assert cfg["Global"]["max_steps"] == 10
    assert cfg["Global"]["new_section"]["deep"]["key"] == "abc"
    assert cfg["Train"]["loader"]["batch_size_per_card"] == 4


def test_overrides_never_mutate_input(cfg_path):
    cfg = load_config(cfg_path)
    before = repr(cfg)
    out = apply_overrides(cfg, ["Global.epoch_num=1", "Train.dataset.transforms.0.DecodeImage.img_mode=RGB"])
    assert repr(cfg) == before
    assert out["Global"]["epoch_num"] == 1 and cfg["Global"]["epoch_num"] == 500


@pytest.mark.parametrize("item, fragment", [
    ("Global.epoch_num", "key.path=value"),
    ("Nope.x=1", "valid sections"),
    ("Train.dataset.transforms.9.X=1", "out of range"),
    ("Train.dataset.transforms.first=1", "use a number"),
    ("Global.epoch_num.inner=1", "is a value"),
    ("Global..x=1", "empty part"),
])
def test_override_errors_say_what_is_wrong(cfg_path, item, fragment):
    with pytest.raises(ConfigError, match=fragment):
        load_config(cfg_path, [item])


def test_unknown_section_lists_valid_ones(tmp_path):
    p = tmp_path / "bad.yml"
    p.write_text("Global: {}\nArchitecure: {}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as e:
        load_config(p)
    assert "Architecure" in str(e.value) and "Architecture" in str(e.value)


def test_missing_file_and_bad_yaml(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "none.yml")
    p = tmp_path / "broken.yml"
    p.write_text("Global: [unclosed\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_config(p)
