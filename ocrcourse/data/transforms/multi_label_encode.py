"""One text, two targets: CTC indices for the CTC head and SAR or NRTR indices for the attention head.

The PP-OCRv3 and v4 recognisers train two heads on one backbone (`MultiHead`): the CTC head that is
kept for inference, and an attention head used only during training to guide it (SAR in v3, NRTR in
v4). Each head needs the text encoded its own way, so MultiLabelEncode runs `CTCLabelEncode` and the
guide's encoder on the same sample and keeps both labels.
"""
from __future__ import annotations

from ...errors import ConfigError
from .ctc_label_encode import CTCLabelEncode
from .nrtr_label_encode import NRTRLabelEncode
from .sar_label_encode import SARLabelEncode

__all__ = ["MultiLabelEncode"]

# Encoders the guiding (GTC) branch may use; PP-OCRv3 uses SAR (gtc_encode unset), PP-OCRv4 NRTR.
GTC_ENCODERS = {"SARLabelEncode": SARLabelEncode, "NRTRLabelEncode": NRTRLabelEncode}


class MultiLabelEncode:
    """Encode data["label"] for CTC and for the guiding attention branch.

    PP-OCR strategy: GTC, guided training of CTC by attention (注意力机制引导CTC训练), in the
    PP-OCRv3 recogniser (SAR) and PP-OCRv4's (GTC-NRTR). Paper: PP-OCRv3, arXiv:2206.03001.
    Lessons: lessons/10_pplcnet_and_svtr.ipynb, lessons/18_ppocrv4.ipynb.

    Args:
        max_text_length, character_dict_path, use_space_char: as for `CTCLabelEncode`.
        gtc_encode: name of the guiding branch's encoder: None means SAR (PP-OCRv3),
            "NRTRLabelEncode" is PP-OCRv4's. With a name, the output key is `label_gtc` instead of
            `label_sar`, as in PaddleOCR.

    Returns a new dict with only `img_path`, `image`, `label_ctc` (max_text_length,),
    `label_sar` or `label_gtc` (max_text_length,) and `length` (the CTC length); None (drop) if either
    encoder drops the sample (SAR and NRTR also drop texts of max_text_length - 1 characters or more).
    Unlike PaddleOCR we do not deep-copy the sample twice: both encoders only replace keys, so
    shallow copies give the same result without copying the image.
    """

    def __init__(self, max_text_length: int, character_dict_path: str | None = None,
                 use_space_char: bool = False, gtc_encode: str | None = None):
        self.ctc_encode = CTCLabelEncode(max_text_length, character_dict_path, use_space_char)
        self.gtc_encode_type = gtc_encode
        name = gtc_encode or "SARLabelEncode"
        if name not in GTC_ENCODERS:
            raise ConfigError(f"MultiLabelEncode: unknown gtc_encode {gtc_encode!r}; "
                              f"available: {sorted(GTC_ENCODERS)} (or leave it unset for SAR)")
        self.gtc_encode = GTC_ENCODERS[name](max_text_length, character_dict_path, use_space_char)

    def __call__(self, data: dict) -> dict | None:
        ctc = self.ctc_encode(dict(data))
        gtc = self.gtc_encode(dict(data))
        if ctc is None or gtc is None:
            return None
        out = {"img_path": data.get("img_path"), "image": data["image"], "label_ctc": ctc["label"]}
        out["label_gtc" if self.gtc_encode_type is not None else "label_sar"] = gtc["label"]
        out["length"] = ctc["length"]
        return out
