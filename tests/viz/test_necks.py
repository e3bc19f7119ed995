import matplotlib

matplotlib.use("Agg")

from ocrcourse.models.necks import build_neck
from ocrcourse.viz.necks import draw_necks, side_of, trace_neck
from ocrcourse.viz.style import smallest_text_px

MV3 = [16, 24, 56, 480]


def test_trace_dbfpn_levels_shapes_and_kernels():
    blocks, out = trace_neck(build_neck({"name": "DBFPN", "out_channels": 96}, in_channels=MV3), MV3, side=64)
    assert out == [96, 16, 16]
    assert [b.name for b in blocks] == ["in5_conv", "in4_conv", "in3_conv", "in2_conv",
                                        "p5_conv", "p4_conv", "p3_conv", "p2_conv"]
    lateral = {b.stride: b for b in blocks if b.name.startswith("in")}
    assert {s: (b.in_shape, b.out_shape, b.kernel) for s, b in lateral.items()} == {
        32: ([480, 2, 2], [96, 2, 2], 1), 16: ([56, 4, 4], [96, 4, 4], 1),
        8: ([24, 8, 8], [96, 8, 8], 1), 4: ([16, 16, 16], [96, 16, 16], 1)}
    assert all(b.kernel == 3 and b.out_shape[0] == 24 for b in blocks if b.name.startswith("p"))


def test_trace_lkpan_has_a_bottom_up_path_with_large_kernels():
    blocks, out = trace_neck(build_neck({"name": "LKPAN", "out_channels": 96}, in_channels=MV3), MV3)
    assert out == [96, 32, 32]
    heads = [b for b in blocks if b.name.startswith("pan_head_conv")]
    assert [(side_of(b), b.stride) for b in heads] == [(4, 8), (8, 16), (16, 32)]        # stride-2 convs upwards
    assert {b.kernel for b in blocks if b.name.startswith(("inp_conv", "pan_lat_conv"))} == {9}


def test_draw_necks_one_panel_per_neck_every_block_named_and_legible():
    necks = {"DBFPN": build_neck({"name": "DBFPN", "out_channels": 96}, in_channels=MV3),
             "RSE-FPN": build_neck({"name": "RSEFPN", "out_channels": 96, "shortcut": True}, in_channels=MV3)}
    fig = draw_necks(necks, MV3)
    assert len(fig.axes) == 2
    texts = [t.get_text() for ax in fig.axes for t in ax.texts]
    assert sum("in5_conv" in t for t in texts) == 1 and sum("RSELayer 3×3" in t for t in texts) == 4
    assert sum(" up, concat" in t for t in texts) == 8                       # every level of both necks
    assert fig.axes[1].get_title(loc="left").startswith("RSE-FPN: output 96×32×32")
    assert fig.get_size_inches()[0] <= 10 and smallest_text_px(fig) >= 9 * 100 / 72 - 1e-6
