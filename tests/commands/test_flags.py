"""PaddleOCR's boolean flag forms (`--use_angle_cls true`, `--use_gpu false`, bare `--det`)."""
from __future__ import annotations

import argparse

import pytest

from ocrcourse.commands._flags import add_bool_flag, str2bool


def _parser(default):
    parser = argparse.ArgumentParser(exit_on_error=False)
    add_bool_flag(parser, "--use_angle_cls", default)
    return parser


@pytest.mark.parametrize("argv, expected", [
    ([], False),
    (["--use_angle_cls"], True),
    (["--use_angle_cls", "true"], True),
    (["--use_angle_cls", "True"], True),
    (["--use_angle_cls", "false"], False),
    (["--use_angle_cls=False"], False),
    (["--use_angle_cls", "1"], True),
    (["--use_angle_cls", "no"], False),
])
def test_all_forms(argv, expected):
    assert _parser(False).parse_args(argv).use_angle_cls is expected


def test_default_true_and_auto():
    assert _parser(True).parse_args([]).use_angle_cls is True
    assert _parser(None).parse_args([]).use_angle_cls is None


def test_a_typo_is_refused_with_the_accepted_words(capsys):
    parser = argparse.ArgumentParser()
    add_bool_flag(parser, "--det", True)
    with pytest.raises(SystemExit):
        parser.parse_args(["--det", "flase"])
    err = capsys.readouterr().err
    assert "--det" in err and "expected true or false" in err and "'flase'" in err


def test_bare_switch_before_a_positional_value_of_another_flag():
    parser = _parser(False)
    parser.add_argument("--image_dir")
    args = parser.parse_args(["--use_angle_cls", "--image_dir", "x.jpg"])
    assert args.use_angle_cls is True and args.image_dir == "x.jpg"


def test_str2bool_passes_bools_through():
    assert str2bool(True) is True and str2bool(" OFF ") is False


def test_tools_predict_system_takes_paddleocr_booleans():
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "tools" / "infer" / "predict_system.py"
    spec = importlib.util.spec_from_file_location("predict_system_tool", path)
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    base = ["--image_dir", "x.jpg", "--det_model_dir", "d", "--rec_model_dir", "r"]
    args = tool.build_parser().parse_args(base + ["--use_angle_cls", "true", "--use_gpu", "false",
                                                  "--enable_mkldnn", "True", "--use_dilation", "false"])
    assert (args.use_angle_cls, args.use_gpu, args.enable_mkldnn, args.use_dilation) == (True, False, True, False)
    assert tool.build_parser().parse_args(base + ["--use_angle_cls"]).use_angle_cls is True


def test_ocrcourse_predict_parser_takes_paddleocr_booleans():
    from ocrcourse.commands import predict

    parser = argparse.ArgumentParser()
    predict.add_arguments(parser)
    args = parser.parse_args(["--image_dir", "x", "--use_angle_cls", "true", "--use_gpu", "false", "--det", "false",
                              "--use_space_char", "False", "--show_log", "true"])
    assert (args.use_angle_cls, args.use_gpu, args.det, args.use_space_char) == (True, False, False, False)
    assert parser.parse_args(["--image_dir", "x", "--use_angle_cls"]).use_angle_cls is True
