"""Direction label -> class index, for the text direction classifier.

Label files for the classifier hold the angle of each crop as text (`images/x.png\t0` or
`\t180`); the classifier is trained on the index of that text in `label_list`.
"""
from __future__ import annotations

__all__ = ["ClsLabelEncode"]


class ClsLabelEncode:
    """Replace data["label"] (a string such as "180") by its index in `label_list`.

    PP-OCR strategy: the text direction classifier (文本方向分类器), which tells upright lines
    from upside-down ones before recognition. Paper: PP-OCR, arXiv:2009.09941, section 2.2.
    Lesson: lessons/08_direction_classifier.ipynb.

    Args:
        label_list: the class names in output order; PaddleOCR's cls configs set
            `Global.label_list: ['0', '180']`, which reaches this op through the Global section.

    Returns None (drop the sample) for a label not in the list, as PaddleOCR does.
    Shapes: data["label"] str -> int in [0, len(label_list)).
    """

    def __init__(self, label_list=("0", "180")):
        self.label_list = [str(x) for x in label_list]

    def __call__(self, data: dict) -> dict | None:
        label = str(data["label"]).strip()
        if label not in self.label_list:
            return None
        data["label"] = self.label_list.index(label)
        return data
