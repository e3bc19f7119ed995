"""SARHead: the attention decoder PP-OCRv3 trains next to CTC and drops at inference.

SAR ("Show, Attend and Read") encodes the feature map into one holistic vector with an LSTM,
then decodes characters one by one; at every step a 2-D attention looks at the feature map.
In PP-OCRv3 it is an auxiliary branch: its loss teaches the shared backbone, while only the
CTC branch is exported (so no SAR weight is in the official inference model).

Attribute names follow PaddleOCR (`encoder.rnn_encoder`, `encoder.linear`, `decoder.conv1x1_1`,
`decoder.conv3x3_1`, `decoder.conv1x1_2`, `decoder.rnn_decoder`, `decoder.embedding`,
`decoder.prediction`): they are the `head.sar_head.*` keys of the training checkpoints.
Note that `conv1x1_1` / `conv1x1_2` are Linear layers despite their names.
"""
from __future__ import annotations

import paddle
import paddle.nn as nn
import paddle.nn.functional as F

from ocrcourse.errors import ConfigError

__all__ = ["SARHead", "SAREncoder", "ParallelSARDecoder"]


def _valid_steps(valid_ratios: paddle.Tensor, length: int) -> paddle.Tensor:
    """How many of `length` columns hold the image (the rest is right padding): min(ceil(r*L), L)."""
    steps = paddle.ceil(valid_ratios.astype("float32").reshape([-1]) * length)
    return paddle.clip(steps, max=length).astype("int64")


def _rnn(gru: bool, size_in: int, size: int, dropout: float, bidirectional: bool) -> nn.Layer:
    """Two stacked recurrent layers, batch-major: an LSTM (as PP-OCRv3) or a GRU."""
    cls = nn.GRU if gru else nn.LSTM
    return cls(size_in, size, num_layers=2, time_major=False, dropout=dropout,
               direction="bidirect" if bidirectional else "forward")


class SAREncoder(nn.Layer):
    """Max-pool the height, run a 2-layer LSTM over the columns, keep the last *valid* step.

    Shapes: feat (N, d_model, H, W) -> holistic feature (N, d_enc * (1 + enc_bi_rnn)).
    """

    def __init__(self, enc_bi_rnn: bool = False, enc_drop_rnn: float = 0.1, enc_gru: bool = False,
                 d_model: int = 512, d_enc: int = 512, mask: bool = True):
        super().__init__()
        self.mask = mask
        self.rnn_encoder = _rnn(enc_gru, d_model, d_enc, enc_drop_rnn, enc_bi_rnn)
        out_size = d_enc * (int(enc_bi_rnn) + 1)
        self.linear = nn.Linear(out_size, out_size)

    def forward(self, feat: paddle.Tensor, valid_ratios: paddle.Tensor | None = None):
        columns = feat.max(axis=2).transpose([0, 2, 1])         # (N, W, C)
        seq = self.rnn_encoder(columns)[0]                       # (N, W, d)
        if valid_ratios is not None and self.mask:
            last = _valid_steps(valid_ratios, seq.shape[1]) - 1  # last column that is not padding
            batch = paddle.arange(seq.shape[0], dtype="int64")
            last_step = seq[batch, last]
        else:
            last_step = seq[:, -1, :]
        return self.linear(last_step)


class ParallelSARDecoder(nn.Layer):
    """LSTM decoder with 2-D attention over the feature map, trained with teacher forcing.

    Input of step t: the holistic feature (t = 0) or the embedding of character t-1. The
    prediction at each step sees [decoder state, attended feature, holistic feature].

    Args:
        out_channels: SAR dictionary size = characters + <UKN> + <BOS/EOS> + <PAD>; the start
            token is out_channels - 2 and padding out_channels - 1; the prediction layer emits
            out_channels - 1 classes (padding is never predicted).
        d_model: feature-map width; d_enc: encoder width; d_k: attention width.
        max_text_length: number of greedy decoding steps at test time.
    """

    def __init__(self, out_channels: int, enc_bi_rnn: bool = False, dec_bi_rnn: bool = False,
                 dec_drop_rnn: float = 0.0, dec_gru: bool = False, d_model: int = 512,
                 d_enc: int = 512, d_k: int = 64, pred_dropout: float = 0.1,
                 max_text_length: int = 30, mask: bool = True, pred_concat: bool = True):
        super().__init__()
        self.num_classes = out_channels
        self.start_idx = out_channels - 2
        self.padding_idx = out_channels - 1
        self.max_seq_len = max_text_length
        self.mask = mask
        self.pred_concat = pred_concat
        enc_size = d_enc * (int(enc_bi_rnn) + 1)
        dec_size = enc_size * (int(dec_bi_rnn) + 1)

        # 2-D attention: score(t, y, x) = w2 . tanh(W1 h_t + conv3x3(feat)[:, y, x])
        self.conv1x1_1 = nn.Linear(dec_size, d_k)
        self.conv3x3_1 = nn.Conv2D(d_model, d_k, kernel_size=3, stride=1, padding=1)
        self.conv1x1_2 = nn.Linear(d_k, 1)
        self.rnn_decoder = _rnn(dec_gru, enc_size, enc_size, dec_drop_rnn, dec_bi_rnn)
        self.embedding = nn.Embedding(out_channels, enc_size, padding_idx=self.padding_idx)
        self.pred_dropout = nn.Dropout(pred_dropout)
        fc_in = dec_size + d_model + enc_size if pred_concat else d_model
        self.prediction = nn.Linear(fc_in, out_channels - 1)

    def _attend(self, dec_input, feat, holistic, valid_ratios, train_mode: bool):
        """dec_input (N, T, E), feat (N, C, H, W), holistic (N, 1, E) -> scores (N, T, classes)."""
        y = self.rnn_decoder(dec_input)[0]                          # (N, T, dec)
        query = self.conv1x1_1(y).unsqueeze([3, 4])                 # (N, T, d_k, 1, 1)
        key = self.conv3x3_1(feat).unsqueeze(1)                     # (N, 1, d_k, H, W)
        energy = paddle.tanh(key + query).transpose([0, 1, 3, 4, 2])
        score = self.conv1x1_2(energy).squeeze(-1)                  # (N, T, H, W)
        n, t, h, w = score.shape
        if valid_ratios is not None and self.mask:                  # no attention on padding
            valid_w = _valid_steps(valid_ratios, w).reshape([-1, 1, 1, 1])
            padded = paddle.arange(w, dtype="int64").reshape([1, 1, 1, w]) >= valid_w
            score = paddle.where(padded, paddle.full_like(score, float("-inf")), score)
        weight = F.softmax(score.reshape([n, t, h * w]), axis=-1).reshape([n, t, 1, h, w])
        glimpse = (feat.unsqueeze(1) * weight).sum(axis=[3, 4])     # (N, T, C)
        if self.pred_concat:
            holistic = holistic.expand([n, t, holistic.shape[-1]])
            out = self.prediction(paddle.concat([y, glimpse.astype(y.dtype),
                                                 holistic.astype(y.dtype)], axis=2))
        else:
            out = self.prediction(glimpse)
        return self.pred_dropout(out) if train_mode else out

    def forward_train(self, feat, holistic, label, valid_ratios=None):
        """Teacher forcing: label (N, L) int64 -> scores (N, L, out_channels - 1)."""
        emb = self.embedding(label)                                 # (N, L, E)
        holistic = holistic.unsqueeze(1).astype(emb.dtype)          # (N, 1, E)
        dec_input = paddle.concat([holistic, emb], axis=1)          # (N, L + 1, E)
        return self._attend(dec_input, feat, holistic, valid_ratios, train_mode=True)[:, 1:, :]

    def forward_test(self, feat, holistic, valid_ratios=None):
        """Greedy decoding for max_text_length steps -> probabilities (N, L, out_channels - 1)."""
        n = feat.shape[0]
        holistic = holistic.unsqueeze(1)
        start = self.embedding(paddle.full([n], self.start_idx, dtype="int64")).unsqueeze(1)
        steps = [holistic] + [start] * self.max_seq_len             # step inputs, filled greedily
        outputs = []
        for i in range(1, self.max_seq_len + 1):
            scores = self._attend(paddle.concat(steps, axis=1), feat, holistic, valid_ratios,
                                  train_mode=False)
            probs = F.softmax(scores[:, i, :], axis=-1)
            outputs.append(probs)
            if i < self.max_seq_len:
                steps[i + 1] = self.embedding(probs.argmax(axis=1)).unsqueeze(1)
        return paddle.stack(outputs, axis=1)


class SARHead(nn.Layer):
    """SAR encoder + attention decoder, the auxiliary training branch of PP-OCRv3 recognition.

    PP-OCR strategy: guided training of CTC by attention (GTC, 注意力机制引导CTC训练): the SAR
    branch's loss shapes the backbone during training and is removed for inference.
    Papers: SAR, arXiv:1811.00751; PP-OCRv3, arXiv:2206.03001.
    Lesson: lessons/10_pplcnet_and_svtr.ipynb.

    Args:
        in_channels: feature-map width (512; wired by MultiHead).
        out_channels: SAR dictionary size incl. <UKN>, <BOS/EOS>, <PAD> (6627 for the Chinese
            dictionary); PaddleOCR's train script fills it (out_channels_list.SARLabelDecode).
        enc_dim: encoder LSTM width; max_text_length: decoding steps at test time.
        enc_bi_rnn, enc_drop_rnn, enc_gru, dec_bi_rnn, dec_drop_rnn, dec_gru, d_k, pred_dropout,
            pred_concat: SAR settings (PaddleOCR defaults; PP-OCRv3 uses them unchanged).

    forward(feat, targets): targets = [label_sar (N, L) int64, length, valid_ratio (N,)].
    Returns: train: scores (N, L, out_channels - 1), e.g. (N, 25, 6626); eval: per-step
    probabilities of greedy decoding (N, max_text_length, out_channels - 1).
    """

    def __init__(self, in_channels: int, out_channels: int, enc_dim: int = 512,
                 max_text_length: int = 30, enc_bi_rnn: bool = False, enc_drop_rnn: float = 0.1,
                 enc_gru: bool = False, dec_bi_rnn: bool = False, dec_drop_rnn: float = 0.0,
                 dec_gru: bool = False, d_k: int = 512, pred_dropout: float = 0.1,
                 pred_concat: bool = True):
        super().__init__()
        self.encoder = SAREncoder(enc_bi_rnn=enc_bi_rnn, enc_drop_rnn=enc_drop_rnn, enc_gru=enc_gru,
                                  d_model=in_channels, d_enc=enc_dim)
        self.decoder = ParallelSARDecoder(
            out_channels=out_channels, enc_bi_rnn=enc_bi_rnn, dec_bi_rnn=dec_bi_rnn,
            dec_drop_rnn=dec_drop_rnn, dec_gru=dec_gru, d_model=in_channels, d_enc=enc_dim,
            d_k=d_k, pred_dropout=pred_dropout, max_text_length=max_text_length,
            pred_concat=pred_concat)

    def forward(self, feat: paddle.Tensor, targets=None) -> paddle.Tensor:
        valid_ratios = targets[-1] if targets is not None else None
        holistic = self.encoder(feat, valid_ratios)                  # (N, enc)
        if self.training:
            if targets is None:
                raise ConfigError("SARHead in training mode needs targets [label_sar, length, "
                                  "valid_ratio] for teacher forcing: keep those keys in the Train "
                                  "KeepKeys transform, or call model.eval() for inference")
            return self.decoder.forward_train(feat, holistic, targets[0], valid_ratios)
        return self.decoder.forward_test(feat, holistic, valid_ratios)
