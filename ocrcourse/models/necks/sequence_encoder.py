"""SequenceEncoder: turn the backbone's (N, C, 1, W) map into a sequence of W feature vectors.

A CTC recognizer reads a text line left to right, so after the backbone has squeezed the height
to 1, every column becomes one time step. The neck then optionally mixes the time steps:

| encoder_type | what runs                                  | out_channels |
|--------------|--------------------------------------------|--------------|
| `reshape`    | Im2Seq only                                | C            |
| `fc`         | Im2Seq -> Linear                           | hidden_size  |
| `rnn`        | Im2Seq -> 2-layer bidirectional LSTM (CRNN) | 2*hidden_size |
| `svtr`       | EncoderWithSVTR (on the 2-D map) -> Im2Seq | dims         |

State_dict keys: `encoder.lstm.*` (rnn), `encoder.fc.*` (fc), `encoder.conv1...` (svtr). Paddle's
`nn.LSTM` lists every weight twice (`weight_ih_l0` and `0.cell_fw.weight_ih` are the same tensor).
"""
from __future__ import annotations

import math

import paddle
import paddle.nn as nn
from paddle import ParamAttr
from paddle.regularizer import L2Decay

from ocrcourse.errors import ConfigError

from .svtr_encoder import EncoderWithSVTR

__all__ = ["SequenceEncoder", "Im2Seq", "EncoderWithRNN", "EncoderWithFC"]


class Im2Seq(nn.Layer):
    """(N, C, 1, W) -> (N, W, C): each column of the map is one time step. No parameters."""

    def __init__(self, in_channels: int):
        super().__init__()
        self.out_channels = in_channels

    def forward(self, x: paddle.Tensor) -> paddle.Tensor:
        h = x.shape[2]
        if isinstance(h, int) and h > 1:
            raise ConfigError(f"Im2Seq needs a feature map of height 1, got shape {list(x.shape)}; "
                             f"feed the recognizer images of the height its config expects "
                             f"(32 for PP-OCR v2.0/v2, 48 for PP-OCRv3)")
        return x.squeeze(axis=2).transpose([0, 2, 1])


class EncoderWithRNN(nn.Layer):
    """Two stacked bidirectional LSTMs, the "R" of CRNN (arXiv:1507.05717).

    Gate order (i, f, g, o); weight_ih (4H, in), weight_hh (4H, H).
    Shapes: (N, T, in_channels) -> (N, T, 2 * hidden_size).
    """

    def __init__(self, in_channels: int, hidden_size: int):
        super().__init__()
        self.out_channels = hidden_size * 2
        self.lstm = nn.LSTM(in_channels, hidden_size, direction="bidirect", num_layers=2)

    def forward(self, x: paddle.Tensor) -> paddle.Tensor:
        out, _ = self.lstm(x)          # the final (h, c) states are not used
        return out


class EncoderWithFC(nn.Layer):
    """One Linear per time step; init uniform +-1/sqrt(in_channels), weight decay 1e-5.

    Shapes: (N, T, in_channels) -> (N, T, hidden_size).
    """

    def __init__(self, in_channels: int, hidden_size: int):
        super().__init__()
        self.out_channels = hidden_size
        bound = 1.0 / math.sqrt(in_channels)
        attr = dict(regularizer=L2Decay(1e-5), initializer=nn.initializer.Uniform(-bound, bound))
        self.fc = nn.Linear(in_channels, hidden_size,
                            weight_attr=ParamAttr(**attr), bias_attr=ParamAttr(**attr))

    def forward(self, x: paddle.Tensor) -> paddle.Tensor:
        return self.fc(x)


class SequenceEncoder(nn.Layer):
    """The recognition neck: feature map -> sequence, optionally mixed by an RNN, FC or SVTR.

    PP-OCR strategy: the CRNN sequence model (BiLSTM 序列建模) of PP-OCR v2.0 / PP-OCRv2, and the
    SVTR-LCNet neck (轻量级文本识别网络 SVTR_LCNet) of PP-OCRv3.
    Papers: CRNN, arXiv:1507.05717; PP-OCR, arXiv:2009.09941; PP-OCRv3, arXiv:2206.03001.
    Lessons: lessons/09_crnn_recognition.ipynb (rnn), lessons/10_pplcnet_and_svtr.ipynb (svtr).

    Args:
        in_channels: backbone width C (wired by the model builder).
        encoder_type: 'reshape', 'fc', 'rnn' or 'svtr' (see the module table).
        hidden_size: LSTM hidden size per direction ('rnn') or Linear width ('fc').
        dims, depth, hidden_dims, use_guide, num_heads, qkv_bias, mlp_ratio, drop_rate,
            attn_drop_rate, drop_path, kernel_size, qk_scale: EncoderWithSVTR settings, used only
            when encoder_type is 'svtr' (None = EncoderWithSVTR's default); setting one with
            another encoder_type is a ConfigError, since PaddleOCR would silently ignore it.

    Shapes: (N, C, 1, W) -> (N, W, out_channels).
    """

    def __init__(self, in_channels: int, encoder_type: str, hidden_size: int = 48,
                 dims=None, depth=None, hidden_dims=None, use_guide=None, num_heads=None,
                 qkv_bias=None, mlp_ratio=None, drop_rate=None, attn_drop_rate=None,
                 drop_path=None, kernel_size=None, qk_scale=None):
        super().__init__()
        svtr_args = dict(dims=dims, depth=depth, hidden_dims=hidden_dims, use_guide=use_guide,
                         num_heads=num_heads, qkv_bias=qkv_bias, mlp_ratio=mlp_ratio,
                         drop_rate=drop_rate, attn_drop_rate=attn_drop_rate, drop_path=drop_path,
                         kernel_size=kernel_size, qk_scale=qk_scale)
        given = {k: v for k, v in svtr_args.items() if v is not None}
        encoders = {"reshape": None, "fc": EncoderWithFC, "rnn": EncoderWithRNN,
                    "svtr": EncoderWithSVTR}
        if encoder_type not in encoders:
            raise ConfigError(f"SequenceEncoder: unknown encoder_type {encoder_type!r}; "
                              f"valid: {sorted(encoders)}")
        if given and encoder_type != "svtr":
            raise ConfigError(f"SequenceEncoder: {sorted(given)} only apply to encoder_type 'svtr' "
                              f"(got {encoder_type!r}); remove them from the Neck config")

        self.encoder_reshape = Im2Seq(in_channels)
        self.encoder_type = encoder_type
        self.only_reshape = encoder_type == "reshape"
        if encoder_type == "svtr":
            self.encoder = EncoderWithSVTR(in_channels, **given)
        elif not self.only_reshape:
            self.encoder = encoders[encoder_type](in_channels, hidden_size)
        self.out_channels = in_channels if self.only_reshape else self.encoder.out_channels

    def forward(self, x: paddle.Tensor) -> paddle.Tensor:
        if self.encoder_type == "svtr":        # SVTR mixes the 2-D map, then we flatten it
            return self.encoder_reshape(self.encoder(x))
        x = self.encoder_reshape(x)
        return x if self.only_reshape else self.encoder(x)
