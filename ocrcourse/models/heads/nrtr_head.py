"""NRTR decoder: the attention branch that guides CTC training in PP-OCRv4's recogniser (GTC-NRTR).

YAML (inside MultiHead's head_list): `- NRTRHead: {nrtr_dim: 384, max_text_length: 25}`; MultiHead
builds `before_gtc` (flatten + a linear map to nrtr_dim) and this Transformer as `gtc_head`, with
nhead = nrtr_dim / 32, no encoder, 4 decoder layers and a feed-forward width of 4 x nrtr_dim.
Only used in training: the official inference graph holds the CTC branch alone.
Lesson: lessons/18_ppocrv4.ipynb.
"""
from __future__ import annotations

import math

import numpy as np
import paddle
import paddle.nn.functional as F
from paddle import nn
from paddle.nn.initializer import Constant, XavierNormal

from ocrcourse.errors import ConfigError

__all__ = ["Transformer", "TransformerBlock", "MultiheadAttention", "FCTranspose"]

BOS, EOS = 2, 3        # NRTRLabelEncode's special tokens: 0 blank/pad, 1 <unk>, 2 <s>, 3 </s>


class FCTranspose(nn.Layer):
    """(N, C, T) -> (N, T, out_channels): transpose, then a linear map without bias."""

    def __init__(self, in_channels: int, out_channels: int):
        super().__init__()
        self.fc = nn.Linear(in_channels, out_channels, bias_attr=False)

    def forward(self, x):
        return self.fc(x.transpose([0, 2, 1]))


class MultiheadAttention(nn.Layer):
    """Scaled dot-product attention over `num_heads` heads; self-attention uses one `qkv` map,
    cross-attention separate `q` (from the decoder) and `kv` (from the visual features)."""

    def __init__(self, embed_dim: int, num_heads: int, dropout: float = 0.0, self_attn: bool = False):
        super().__init__()
        if embed_dim % num_heads:
            raise ConfigError(f"MultiheadAttention: embed_dim {embed_dim} is not divisible by num_heads {num_heads}")
        self.embed_dim, self.num_heads = embed_dim, num_heads
        self.head_dim = embed_dim // num_heads
        self.scale = self.head_dim ** -0.5
        self.self_attn = self_attn
        if self_attn:
            self.qkv = nn.Linear(embed_dim, embed_dim * 3)
        else:
            self.q = nn.Linear(embed_dim, embed_dim)
            self.kv = nn.Linear(embed_dim, embed_dim * 2)
        self.attn_drop = nn.Dropout(dropout)
        self.out_proj = nn.Linear(embed_dim, embed_dim)

    def _heads(self, x, n, parts):
        return x.reshape([0, n, parts, self.num_heads, self.head_dim]).transpose([2, 0, 3, 1, 4])

    def forward(self, query, key=None, attn_mask=None):
        n_q = query.shape[1]
        if self.self_attn:
            q, k, v = self._heads(self.qkv(query), n_q, 3)
        else:
            q = self._heads(self.q(query), n_q, 1)[0]
            k, v = self._heads(self.kv(key), key.shape[1], 2)
        attn = q.matmul(k.transpose([0, 1, 3, 2])) * self.scale     # (N, heads, Tq, Tk)
        if attn_mask is not None:
            attn = attn + attn_mask
        attn = self.attn_drop(F.softmax(attn, axis=-1))
        out = attn.matmul(v).transpose([0, 2, 1, 3]).reshape([0, n_q, self.embed_dim])
        return self.out_proj(out)


class _Mlp(nn.Layer):
    def __init__(self, dim: int, hidden: int, drop: float):
        super().__init__()
        self.fc1 = nn.Linear(dim, hidden)
        self.fc2 = nn.Linear(hidden, dim)
        self.drop = nn.Dropout(drop)

    def forward(self, x):
        return self.drop(self.fc2(self.drop(F.relu(self.fc1(x)))))


class TransformerBlock(nn.Layer):
    """Post-norm transformer layer: masked self-attention, cross-attention to the image, ReLU MLP."""

    def __init__(self, d_model: int, nhead: int, dim_feedforward: int = 2048, attention_dropout_rate: float = 0.0,
                 residual_dropout_rate: float = 0.1, with_self_attn: bool = True, with_cross_attn: bool = False,
                 epsilon: float = 1e-5):
        super().__init__()
        self.with_self_attn, self.with_cross_attn = with_self_attn, with_cross_attn
        if with_self_attn:
            self.self_attn = MultiheadAttention(d_model, nhead, attention_dropout_rate, self_attn=True)
            self.norm1 = nn.LayerNorm(d_model, epsilon=epsilon)
            self.dropout1 = nn.Dropout(residual_dropout_rate)
        if with_cross_attn:
            self.cross_attn = MultiheadAttention(d_model, nhead, attention_dropout_rate)
            self.norm2 = nn.LayerNorm(d_model, epsilon=epsilon)
            self.dropout2 = nn.Dropout(residual_dropout_rate)
        self.mlp = _Mlp(d_model, dim_feedforward, residual_dropout_rate)
        self.norm3 = nn.LayerNorm(d_model, epsilon=epsilon)
        self.dropout3 = nn.Dropout(residual_dropout_rate)

    def forward(self, tgt, memory=None, self_mask=None, cross_mask=None):
        if self.with_self_attn:
            tgt = self.norm1(tgt + self.dropout1(self.self_attn(tgt, attn_mask=self_mask)))
        if self.with_cross_attn:
            tgt = self.norm2(tgt + self.dropout2(self.cross_attn(tgt, key=memory, attn_mask=cross_mask)))
        return self.norm3(tgt + self.dropout3(self.mlp(tgt)))


class _Embeddings(nn.Layer):
    """Token embedding (index 0 = padding) scaled by sqrt(d_model)."""

    def __init__(self, d_model: int, vocab: int):
        super().__init__()
        self.embedding = nn.Embedding(vocab, d_model, padding_idx=0)
        self.embedding.weight.set_value(np.random.normal(0.0, d_model ** -0.5, (vocab, d_model)).astype("float32"))
        self.d_model = d_model

    def forward(self, x):
        return self.embedding(x) * math.sqrt(self.d_model)


class _PositionalEncoding(nn.Layer):
    """Sinusoidal positions (Vaswani et al.): PE(p, 2i) = sin(p / 10000^(2i/d)), PE(p, 2i+1) = cos(...)."""

    def __init__(self, dropout: float, dim: int, max_len: int = 5000):
        super().__init__()
        self.dropout = nn.Dropout(dropout)
        position = np.arange(max_len, dtype="float32")[:, None]
        div = np.exp(np.arange(0, dim, 2, dtype="float32") * (-math.log(10000.0) / dim))
        pe = np.zeros((max_len, dim), "float32")
        pe[:, 0::2], pe[:, 1::2] = np.sin(position * div), np.cos(position * div)
        self.register_buffer("pe", paddle.to_tensor(pe[:, None, :]))       # (max_len, 1, dim), as PaddleOCR

    def forward(self, x):                                                    # x: (N, T, dim)
        return self.dropout(x + self.pe[: x.shape[1]].transpose([1, 0, 2]))


class Transformer(nn.Layer):
    """NRTR's decoder on visual features: teacher forcing in training, greedy decoding at eval.

    PP-OCR strategy: GTC-NRTR (稳定的Attention指导CTC训练), PP-OCRv4's attention guide for CTC.
    Paper: NRTR, arXiv:1806.00926; Attention Is All You Need, arXiv:1706.03762.

    Args:
        d_model, nhead, dim_feedforward: transformer widths (384, 12, 1536 in PP-OCRv4).
        num_encoder_layers: must be <= 0 here (PP-OCRv4 uses no encoder: -1).
        beam_size: must be <= 0 (greedy decoding only).
        num_decoder_layers: 4 in PP-OCRv4. max_len: longest text (25).
        out_channels: NRTR dictionary size (characters + 3 special tokens); the projection has one
            more output (PaddleOCR's `out_channels + 1`).

    forward(src, targets): src (N, T, d_model). Training: targets = [label (N, L) with <s> ... </s>,
    length (N,)]; returns logits (N, 1 + max(length), out_channels + 1). Eval: [token ids (N, S),
    probabilities (N, S)], starting with <s>, stopping when every sequence predicts </s>.
    """

    def __init__(self, d_model: int = 512, nhead: int = 8, num_encoder_layers: int = -1, beam_size: int = -1,
                 num_decoder_layers: int = 6, max_len: int = 25, dim_feedforward: int = 1024,
                 attention_dropout_rate: float = 0.0, residual_dropout_rate: float = 0.1, in_channels: int = 0,
                 out_channels: int = 0, scale_embedding: bool = True):
        super().__init__()
        if num_encoder_layers > 0 or beam_size > 0 or not scale_embedding:
            raise ConfigError("NRTR Transformer: only PP-OCRv4's form is built here (no encoder, greedy "
                              "decoding, scaled embedding)")
        self.out_channels = out_channels + 1
        self.max_len = max_len
        self.embedding = _Embeddings(d_model, self.out_channels)
        self.positional_encoding = _PositionalEncoding(residual_dropout_rate, d_model)
        self.encoder = None
        self.decoder = nn.LayerList([TransformerBlock(d_model, nhead, dim_feedforward, attention_dropout_rate,
                                                      residual_dropout_rate, with_self_attn=True, with_cross_attn=True)
                                     for _ in range(num_decoder_layers)])
        self.d_model, self.nhead = d_model, nhead
        self.tgt_word_prj = nn.Linear(d_model, self.out_channels, bias_attr=False)
        for layer in self.sublayers():                  # PaddleOCR's init: Xavier-normal linears, zero biases
            if isinstance(layer, nn.Linear):
                XavierNormal()(layer.weight)
                if layer.bias is not None:
                    Constant(0.0)(layer.bias)

    @staticmethod
    def causal_mask(size: int):
        """(1, 1, size, size): 0 on and below the diagonal, -inf above (no peeking at later tokens)."""
        return paddle.triu(paddle.full([size, size], float("-inf"), "float32"), diagonal=1)[None, None]

    def _decode(self, tokens, memory):
        tgt = self.positional_encoding(self.embedding(tokens))
        mask = self.causal_mask(tgt.shape[1])
        for layer in self.decoder:
            tgt = layer(tgt, memory, self_mask=mask)
        return self.tgt_word_prj(tgt)

    def forward(self, src, targets=None):
        if self.training:
            if targets is None:
                raise ConfigError("NRTR in training needs targets [label_gtc, length, ...]")
            label, length = targets[0], targets[1]
            tgt = label[:, : 2 + int(length.max())]
            return self._decode(tgt[:, :-1], src)       # teacher forcing: <s> c1 ... -> c1 ... </s>
        seq = paddle.full([src.shape[0], 1], BOS, "int64")
        probs = paddle.ones([src.shape[0], 1], "float32")
        for _ in range(1, self.max_len):
            word = F.softmax(self._decode(seq, src)[:, -1], axis=-1)
            idx = word.argmax(-1)
            if bool((idx == EOS).all()):
                break
            seq = paddle.concat([seq, idx.reshape([-1, 1])], axis=1)
            probs = paddle.concat([probs, word.max(-1).reshape([-1, 1])], axis=1)
        return [seq, probs]
