"""create_operators / transform: YAML transform lists -> ops, with errors that say how to fix them."""
from __future__ import annotations

import pytest

from ocrcourse.data import TRANSFORMS, create_operators, transform
from ocrcourse.data.transforms.db_targets import MakeShrinkMap
from ocrcourse.errors import ConfigError


def test_builds_ops_in_order_with_their_arguments():
    ops = create_operators([{"DecodeImage": {"img_mode": "BGR"}}, {"MakeShrinkMap": {"min_text_size": 4}},
                            {"ToCHWImage": None}])
    assert [type(op).__name__ for op in ops] == ["DecodeImage", "MakeShrinkMap", "ToCHWImage"]
    assert ops[1].min_text_size == 4


def test_global_config_reaches_ops_that_name_the_key():
    class Probe:
        def __init__(self, max_text_length=1):
            self.max_text_length = max_text_length

    TRANSFORMS["_Probe"] = Probe
    try:
        ops = create_operators([{"_Probe": None}, {"ToCHWImage": None}], {"max_text_length": 25, "epoch_num": 3})
        assert ops[0].max_text_length == 25
    finally:
        del TRANSFORMS["_Probe"]


@pytest.mark.parametrize("entry,match", [({"NoSuchOp": None}, "available"),
                                         ({"MakeShrinkMap": {"min_txt_size": 8}}, "min_text_size"),
                                         ({"A": None, "B": None}, "one-key")])
def test_config_mistakes_are_explained(entry, match):
    with pytest.raises(ConfigError, match=match):
        create_operators([entry])


def test_transform_stops_when_an_op_drops_the_sample():
    calls = []
    ops = [lambda d: calls.append(1) or d, lambda d: None, lambda d: calls.append(2) or d]
    assert transform({"x": 1}, ops) is None and calls == [1]
    assert isinstance(create_operators([{"MakeShrinkMap": None}])[0], MakeShrinkMap)
