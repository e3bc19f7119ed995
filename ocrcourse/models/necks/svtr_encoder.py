"""EncoderWithSVTR: the SVTR-LCNet sequence neck of PP-OCRv3 recognition.

PP-OCRv3 keeps the fast convolutional backbone (MobileNetV1Enhance) and adds a very small
transformer on its (N, 512, 1, 40) feature map: convs shrink the channels, two global
self-attention blocks let every column see every other column, and a shortcut concatenates the
original feature before the final convs. The attribute names (`conv1`..`conv4`, `conv1x1`,
`svtr_block`, `norm`, and inside a block `norm1`, `mixer.qkv`, `mixer.proj`, `norm2`, `mlp.fc1`,
`mlp.fc2`) are PaddleOCR's and are state_dict keys.

Layer types matter beyond the keys: official weights from ONNX are matched by Paddle's
automatic parameter names (`batch_norm2d_N`, `linear_N`, `layer_norm_N`), so this file uses
`nn.BatchNorm2D` (not the legacy `nn.BatchNorm` of the backbone), `nn.Linear` and `nn.LayerNorm`
exactly where PaddleOCR does, and builds sub-layers in PaddleOCR's order.
"""
from __future__ import annotations

import paddle
import paddle.nn as nn
import paddle.nn.functional as F
from paddle.nn.initializer import Constant, KaimingUniform, TruncatedNormal

from ocrcourse.errors import ConfigError

__all__ = ["EncoderWithSVTR", "Block", "Attention", "Mlp", "ConvBNLayer"]

_trunc_normal = TruncatedNormal(std=0.02)
_zeros = Constant(0.0)
_ones = Constant(1.0)


class ConvBNLayer(nn.Layer):
    """Conv (no bias, Kaiming-uniform init) -> BatchNorm2D -> Swish.

    Shapes: (N, in_channels, H, W) -> (N, out_channels, H, W) (stride 1, "same" padding).
    """

    def __init__(self, in_channels: int, out_channels: int, kernel_size=3, padding=0):
        super().__init__()
        self.conv = nn.Conv2D(in_channels, out_channels, kernel_size, padding=padding,
                              weight_attr=paddle.ParamAttr(initializer=KaimingUniform()),
                              bias_attr=False)
        self.norm = nn.BatchNorm2D(out_channels)
        self.act = nn.Swish()                    # x * sigmoid(x)

    def forward(self, x):
        return self.act(self.norm(self.conv(x)))


class Mlp(nn.Layer):
    """Transformer feed-forward: Linear -> Swish -> dropout -> Linear -> dropout.

    Shapes: (N, T, dim) -> (N, T, dim), hidden width dim * mlp_ratio.
    """

    def __init__(self, dim: int, hidden_dim: int, drop: float = 0.0):
        super().__init__()
        self.fc1 = nn.Linear(dim, hidden_dim)
        self.act = nn.Swish()
        self.fc2 = nn.Linear(hidden_dim, dim)
        self.drop = nn.Dropout(drop)

    def forward(self, x):
        return self.drop(self.fc2(self.drop(self.act(self.fc1(x)))))


class Attention(nn.Layer):
    """Global multi-head self-attention over the T columns (SVTR's "Global mixer").

    softmax(q k^T * head_dim^-0.5) v per head; q, k, v come from one Linear `qkv`.
    Paper: SVTR, arXiv:2205.00159; Attention Is All You Need, arXiv:1706.03762.
    Shapes: (N, T, dim) -> (N, T, dim).
    """

    def __init__(self, dim: int, num_heads: int = 8, qkv_bias: bool = True, qk_scale=None,
                 attn_drop: float = 0.0, proj_drop: float = 0.0):
        super().__init__()
        self.num_heads = num_heads
        self.dim = dim
        self.head_dim = dim // num_heads
        self.scale = qk_scale or self.head_dim ** -0.5     # 120 / 8 heads: 15 ** -0.5 = 0.2582
        self.qkv = nn.Linear(dim, dim * 3, bias_attr=qkv_bias)
        self.attn_drop = nn.Dropout(attn_drop)
        self.proj = nn.Linear(dim, dim)
        self.proj_drop = nn.Dropout(proj_drop)

    def forward(self, x):
        # (N, T, 3*dim) -> (3, N, heads, T, head_dim): the 3*dim axis is laid out as (3, heads, hd)
        qkv = self.qkv(x).reshape([0, -1, 3, self.num_heads, self.head_dim])
        q, k, v = qkv.transpose([2, 0, 3, 1, 4]).unbind(0)
        attn = F.softmax((q * self.scale).matmul(k, transpose_y=True), axis=-1)
        out = self.attn_drop(attn).matmul(v)                     # (N, heads, T, head_dim)
        out = out.transpose([0, 2, 1, 3]).reshape([0, -1, self.dim])
        return self.proj_drop(self.proj(out))


class Block(nn.Layer):
    """Transformer block with the LayerNorm inside each residual branch, as PP-OCRv3 configures
    it (PaddleOCR calls this `prenorm=False`, i.e. the norm is not applied after the sum):
    x = x + attn(norm1(x)); x = x + mlp(norm2(x)). LayerNorm epsilon 1e-5.

    Shapes: (N, T, dim) -> (N, T, dim).
    """

    def __init__(self, dim: int, num_heads: int, mlp_ratio: float = 2.0, qkv_bias: bool = True,
                 qk_scale=None, drop: float = 0.0, attn_drop: float = 0.0, epsilon: float = 1e-5):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim, epsilon=epsilon)
        self.mixer = Attention(dim, num_heads=num_heads, qkv_bias=qkv_bias, qk_scale=qk_scale,
                               attn_drop=attn_drop, proj_drop=drop)
        self.norm2 = nn.LayerNorm(dim, epsilon=epsilon)
        self.mlp = Mlp(dim, int(dim * mlp_ratio), drop=drop)

    def forward(self, x):
        x = x + self.mixer(self.norm1(x))
        return x + self.mlp(self.norm2(x))


class EncoderWithSVTR(nn.Layer):
    """Conv + global-attention neck that gives each CTC time step the context of the whole line.

    PP-OCR strategy: SVTR-LCNet (轻量级文本识别网络 SVTR_LCNet) with the guided training of CTC by
    attention (GTC, 注意力机制引导CTC训练): with `use_guide` the neck reads a *copy* of the backbone
    feature with the gradient stopped, so the CTC loss trains only the neck and head, and the
    backbone learns from the SAR branch (and from distillation).
    Papers: SVTR, arXiv:2205.00159; PP-OCRv3, arXiv:2206.03001.
    Lesson: lessons/10_pplcnet_and_svtr.ipynb.

    Args:
        in_channels: backbone width C (512 for PP-OCRv3).
        dims: output width (64).
        depth: number of attention blocks (2).
        hidden_dims: width inside the attention blocks (120).
        use_guide: stop the gradient into the backbone (see above).
        num_heads, qkv_bias, mlp_ratio, qk_scale: attention block settings.
        drop_rate, attn_drop_rate: dropout after projections / on attention weights.
        drop_path: stochastic depth rate; accepted for PaddleOCR compatibility. PP-OCRv3 uses 0.0,
            and only 0.0 is supported here (a non-zero value raises ConfigError).
        kernel_size: kernel of `conv1` and `conv4` (3x3; newer PaddleOCR versions expose it).

    Shapes: (N, C, H, W) -> (N, dims, H, W); PP-OCRv3: (N, 512, 1, 40) -> (N, 64, 1, 40).
    """

    def __init__(self, in_channels: int, dims: int = 64, depth: int = 2, hidden_dims: int = 120,
                 use_guide: bool = False, num_heads: int = 8, qkv_bias: bool = True,
                 mlp_ratio: float = 2.0, drop_rate: float = 0.1, attn_drop_rate: float = 0.1,
                 drop_path: float = 0.0, kernel_size=(3, 3), qk_scale=None):
        super().__init__()
        if drop_path:
            raise ConfigError(f"EncoderWithSVTR: drop_path={drop_path} is not supported; use 0.0 "
                             f"(the PP-OCRv3 value)")
        self.depth = depth
        self.use_guide = use_guide
        kernel_size = list(kernel_size)
        same = [kernel_size[0] // 2, kernel_size[1] // 2]
        self.conv1 = ConvBNLayer(in_channels, in_channels // 8, kernel_size, padding=same)
        self.conv2 = ConvBNLayer(in_channels // 8, hidden_dims, 1)
        self.svtr_block = nn.LayerList([
            Block(hidden_dims, num_heads, mlp_ratio=mlp_ratio, qkv_bias=qkv_bias, qk_scale=qk_scale,
                  drop=drop_rate, attn_drop=attn_drop_rate, epsilon=1e-5)
            for _ in range(depth)])
        self.norm = nn.LayerNorm(hidden_dims, epsilon=1e-6)    # 1e-6 here, 1e-5 in the blocks
        self.conv3 = ConvBNLayer(hidden_dims, in_channels, 1)
        self.conv4 = ConvBNLayer(2 * in_channels, in_channels // 8, kernel_size, padding=same)
        self.conv1x1 = ConvBNLayer(in_channels // 8, dims, 1)
        self.out_channels = dims
        self.apply(self._init_weights)

    @staticmethod
    def _init_weights(m):
        if isinstance(m, nn.Linear):
            _trunc_normal(m.weight)
            if m.bias is not None:
                _zeros(m.bias)
        elif isinstance(m, nn.LayerNorm):
            _ones(m.weight)
            _zeros(m.bias)

    def forward(self, x: paddle.Tensor) -> paddle.Tensor:
        if self.use_guide:                     # GTC: CTC gradients stop here
            z = x.clone()
            z.stop_gradient = True
        else:
            z = x
        shortcut = z
        z = self.conv2(self.conv1(z))                           # (N, hidden, H, W)
        _, c, h, w = z.shape
        z = z.flatten(2).transpose([0, 2, 1])                   # (N, H*W, hidden)
        for block in self.svtr_block:
            z = block(z)
        z = self.norm(z)
        z = z.reshape([0, h, w, c]).transpose([0, 3, 1, 2])     # back to (N, hidden, H, W)
        z = self.conv3(z)                                       # (N, C, H, W)
        z = paddle.concat([shortcut, z], axis=1)                # (N, 2C, H, W)
        return self.conv1x1(self.conv4(z))
