"""MultiHead: two recognition branches on one backbone, CTC for inference and an attention decoder
that only guides training: SAR in PP-OCRv3, NRTR in PP-OCRv4."""
from __future__ import annotations

import paddle
import paddle.nn as nn

from ocrcourse.errors import ConfigError
from ocrcourse.models.necks.sequence_encoder import Im2Seq, SequenceEncoder
from ocrcourse.registry import build

from .ctc_head import CTCHead
from .nrtr_head import FCTranspose, Transformer
from .sar_head import SARHead

__all__ = ["MultiHead"]

# head_list entry name -> the key of out_channels_list that sizes it
_DICT_SIZE_KEY = {"CTCHead": "CTCLabelDecode", "SARHead": "SARLabelDecode", "NRTRHead": "NRTRLabelDecode"}
_NRTR_KEYS = {"nrtr_dim", "max_text_length", "num_decoder_layers"}


def _entry_name(entry) -> str:
    """{"CTCHead": {...}} -> "CTCHead", with a clear error for anything else."""
    if not isinstance(entry, dict) or len(entry) != 1:
        raise ConfigError(f"MultiHead: each head_list entry must be a one-key mapping like "
                          f"{{'CTCHead': {{...}}}}; got {entry!r}")
    name = next(iter(entry))
    if name not in _DICT_SIZE_KEY:
        raise ConfigError(f"MultiHead: unsupported head {name!r} in head_list; "
                          f"supported: {sorted(_DICT_SIZE_KEY)}")
    return name


class MultiHead(nn.Layer):
    """A CTC branch (SVTR neck + CTCHead) and a SAR or NRTR branch sharing the backbone feature.

    PP-OCR strategy: guided training of CTC by attention (GTC, 注意力机制引导CTC训练). The SAR
    attention decoder is trained alongside CTC and guides the backbone; at inference only the CTC
    branch runs, so it costs nothing at test time and the exported model has no SAR weights.
    PP-OCRv4 swaps SAR for an NRTR transformer decoder (GTC-NRTR; `NRTRHead: {nrtr_dim: 384,
    max_text_length: 25}`, built as `before_gtc` + `gtc_head`, PaddleOCR's names).
    Paper: PP-OCRv3, arXiv:2206.03001. Lessons: lessons/10_pplcnet_and_svtr.ipynb, lessons/18_ppocrv4.ipynb.

    Args:
        in_channels: backbone width (512; wired by the model builder).
        out_channels_list: dictionary sizes per decoder, e.g. {"CTCLabelDecode": 6625,
            "SARLabelDecode": 6627}. PaddleOCR's train script computes them from the character
            dictionary (CTC: characters + blank; SAR: characters + 3 special tokens); our caller
            wires them the same way, or the config gives them.
        head_list: branches in construction order, each a one-key dict, as in the YAML:
            [{"CTCHead": {"Neck": {"name": "svtr", "dims": 64, ...}, "Head": {"fc_decay": 1e-5}}},
             {"SARHead": {"enc_dim": 512, "max_text_length": 25}}]; or {"NRTRHead": {...}}
            (out_channels_list key "NRTRLabelDecode": characters + 3 special tokens).
            The CTC `Neck.name` is a SequenceEncoder encoder_type.

    forward(x, targets): x (N, C, 1, W); targets is the rest of the batch
    [label_ctc, label_sar, length, valid_ratio] (training only; SAR gets targets[1:]).
    Returns: eval: CTC probabilities (N, W, n_ctc); train: {"ctc": logits (N, W, n_ctc),
    "ctc_neck": CTC neck features (N, W, dims), "sar": scores (N, L, n_sar - 1)} or "nrtr":
    logits (N, 1 + max length, n_nrtr + 1) (targets [label_ctc, label_gtc, length, valid_ratio]).
    """

    def __init__(self, in_channels: int, out_channels_list: dict, head_list: list):
        super().__init__()
        self.in_channels = in_channels
        names = [_entry_name(entry) for entry in head_list]
        if "CTCHead" not in names:
            raise ConfigError(f"MultiHead: head_list needs a CTCHead entry (the inference "
                              f"branch); got {names}")
        self.has_sar = "SARHead" in names
        self.has_nrtr = "NRTRHead" in names
        # Sub-layers are created in head_list order; it fixes the parameter names and order.
        for name, entry in zip(names, head_list):
            size_key = _DICT_SIZE_KEY[name]
            if size_key not in out_channels_list:
                raise ConfigError(f"MultiHead: out_channels_list has no {size_key!r} (needed by "
                                  f"{name}); got {dict(out_channels_list)}")
            args = entry[name] or {}
            if name == "CTCHead":
                self._build_ctc(args, out_channels_list[size_key])
            elif name == "NRTRHead":
                self._build_nrtr(args, out_channels_list[size_key])
            else:
                self.sar_head = build({"SARHead": SARHead}, {"name": "SARHead", **args},
                                      kind="MultiHead SARHead", in_channels=in_channels,
                                      out_channels=out_channels_list[size_key])

    def _build_ctc(self, args: dict, n_classes: int):
        if "Neck" not in args:
            raise ConfigError("MultiHead CTCHead: needs a 'Neck' entry, e.g. "
                              "{'name': 'svtr', 'dims': 64, 'depth': 2, 'hidden_dims': 120}")
        neck = dict(args["Neck"])
        encoder_type = neck.pop("name")
        self.encoder_reshape = Im2Seq(self.in_channels)     # no parameters; kept for key parity
        self.ctc_encoder = build({"SequenceEncoder": SequenceEncoder},
                                 {"name": "SequenceEncoder", "encoder_type": encoder_type, **neck},
                                 kind="MultiHead CTCHead.Neck", in_channels=self.in_channels)
        self.ctc_head = build({"CTCHead": CTCHead}, {"name": "CTCHead", **(args.get("Head") or {})},
                              kind="MultiHead CTCHead.Head",
                              in_channels=self.ctc_encoder.out_channels, out_channels=n_classes)

    def _build_nrtr(self, args: dict, n_classes: int):
        """PP-OCRv4's GTC branch: `before_gtc` (flatten, linear to nrtr_dim) + `gtc_head` (NRTR decoder)."""
        if unknown := set(args) - _NRTR_KEYS:
            raise ConfigError(f"MultiHead NRTRHead: unknown keys {sorted(unknown)}; valid: {sorted(_NRTR_KEYS)}")
        dim = int(args.get("nrtr_dim", 256))
        self.before_gtc = nn.Sequential(nn.Flatten(2), FCTranspose(self.in_channels, dim))
        self.gtc_head = Transformer(d_model=dim, nhead=dim // 32, num_encoder_layers=-1, beam_size=-1,
                                    num_decoder_layers=int(args.get("num_decoder_layers", 4)),
                                    max_len=int(args.get("max_text_length", 25)), dim_feedforward=dim * 4,
                                    out_channels=n_classes)

    def forward(self, x: paddle.Tensor, targets=None):
        ctc_neck = self.ctc_encoder(x)
        ctc_out = self.ctc_head(ctc_neck, targets)
        if not self.training:
            return ctc_out
        out = {"ctc": ctc_out, "ctc_neck": ctc_neck}
        if self.has_sar:
            if targets is None:
                raise ConfigError("MultiHead in training mode needs targets [label_ctc, label_sar, "
                                  "length, valid_ratio] for the SAR branch: pass the batch to the "
                                  "model (model(images, batch[1:])), or call model.eval()")
            out["sar"] = self.sar_head(x, targets[1:])
        if self.has_nrtr:
            if targets is None:
                raise ConfigError("MultiHead in training mode needs targets [label_ctc, label_gtc, length, "
                                  "valid_ratio] for the NRTR branch, or call model.eval()")
            out["nrtr"] = self.gtc_head(self.before_gtc(x), targets[1:])
        return out
