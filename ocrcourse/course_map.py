"""The map of the course: which lesson teaches which PP-OCR strategy.

Lesson 00 shows it as a table, lesson 01 links PP-OCR's strategies to it, and the README's
lesson list is checked against it by a test, so the three never drift apart.
"""
from __future__ import annotations

__all__ = ["LESSONS", "lesson_table"]

# (number, notebook stem, title, PP-OCR strategies taught — English (Chinese))
LESSONS = [
    (0, "00_welcome", "Welcome: environment check and quickstart", "—"),
    (1, "01_ppocr_system", "The PP-OCR system: detect, classify, recognise",
     "three-stage system (检测+方向分类+识别)"),
    (2, "02_det_backbones", "Light backbones for detection",
     "light backbone (轻量级主干网络), SE removal (去除SE模块)"),
    (3, "03_det_necks", "Feature pyramids: DBFPN, RSE-FPN, LK-PAN",
     "light head (轻量级特征金字塔), RSE-FPN (残差注意力FPN), LK-PAN (大感受野PAN)"),
    (4, "04_db_head_and_labels", "DB head, label maps and post-processing",
     "differentiable binarization (可微分二值化)"),
    (5, "05_lr_and_regularization", "Cosine learning rate with warmup, L2 decay",
     "cosine LR (余弦学习率), warmup (学习率预热), L2 decay (正则化)"),
    (6, "06_data_augmentation", "Data augmentation: BDA, TIA, RandAugment, CopyPaste",
     "BDA (基础数据增广), TIA (文本图像增广), RandAugment, CopyPaste"),
    (7, "07_train_db", "Training the DB detector; FPGM pruning",
     "FPGM pruning (FPGM裁剪)"),
    (8, "08_direction_classifier", "The text direction classifier; PACT",
     "input resolution (输入分辨率), PACT quantization (PACT量化)"),
    (9, "09_crnn_recognition", "CRNN + CTC recognition",
     "light head (轻量级头部), pre-trained model (预训练模型)"),
    (10, "10_pplcnet_and_svtr", "PP-LCNet and the SVTR neck",
     "PP-LCNet (轻量级CPU网络), SVTR-LCNet"),
    (11, "11_distillation_basics", "Knowledge distillation basics", "DML (互学习蒸馏)"),
    (12, "12_cml_detection", "CML: collaborative mutual learning for detection",
     "CML (协同互学习)"),
    (13, "13_udml_recognition", "U-DML for recognition", "U-DML (统一深度互学习)"),
    (14, "14_enhanced_ctc", "Enhanced CTC with center loss", "Enhanced CTC loss (增强CTC损失)"),
    (15, "15_ppocrv3_detection", "The PP-OCRv3 detection recipe", "PP-OCRv3 det (LK-PAN teacher, RSE-FPN student)"),
    (16, "16_export_and_inference", "Export and fast inference", "inference model export (模型导出)"),
    (17, "17_your_own_data", "Fine-tuning on your own data", "PPOCRLabel data (自有数据微调)"),
]


def lesson_table():
    """The course map as a pandas DataFrame (lesson, notebook, title, strategies)."""
    import pandas as pd

    return pd.DataFrame(LESSONS, columns=["lesson", "notebook", "title", "strategies"]).set_index("lesson")
