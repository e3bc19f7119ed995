"""The map of the course: which lesson teaches which PP-OCR strategy.

Lesson 00 shows it as a table, lesson 01 links PP-OCR's strategies to it, and the README's
lesson list is checked against it by a test, so the three never drift apart.
"""
from __future__ import annotations

__all__ = ["LESSONS", "STRATEGIES", "DEPTH", "DEPTHS", "lesson_table", "strategy_table"]

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
    (18, "18_ppocrv4", "PP-OCRv4: what changed, shown and measured",
     "PP-LCNetV3 (可学习重参数化), PFHead, DSR (动态收缩比), GTC-NRTR, LR scaling (学习率缩放)"),
]


def lesson_table():
    """The course map as a pandas DataFrame (lesson, notebook, title, strategies)."""
    import pandas as pd

    return pd.DataFrame(LESSONS, columns=["lesson", "notebook", "title", "strategies"]).set_index("lesson")


# PP-OCR's strategies and the lesson that teaches each one: (generation, stage, English name,
# Chinese name, lesson stem or None). PP-OCR (arXiv:2009.09941) lists 19 strategies for its three
# models (6 det, 4 cls, 9 rec); PP-OCRv2 (arXiv:2109.03144) adds 5 and PP-OCRv3 (arXiv:2206.03001)
# 9 more; PP-OCRv4 (PaddleOCR's docs, no paper) 10 more. `None`: explained only (lesson 01 for
# v1-v3, lesson 18 for v4), because it needs data or teachers at a scale a course cannot ship, or
# is built in the library but no lesson shows it running yet (v4's multi-scale training and DKD).
STRATEGIES = [
    ("PP-OCR", "det", "light backbone: MobileNetV3 large x0.5", "轻量级主干网络", "02_det_backbones"),
    ("PP-OCR", "det", "light head: FPN with 96 inner channels", "轻量级特征金字塔", "03_det_necks"),
    ("PP-OCR", "det", "remove SE modules", "去除SE模块", "02_det_backbones"),
    ("PP-OCR", "det", "cosine learning-rate decay", "余弦学习率衰减", "05_lr_and_regularization"),
    ("PP-OCR", "det", "learning-rate warm-up", "学习率预热", "05_lr_and_regularization"),
    ("PP-OCR", "det", "FPGM pruner", "FPGM裁剪", "07_train_db"),
    ("PP-OCR", "cls", "light backbone: MobileNetV3 small x0.35", "轻量级主干网络", "08_direction_classifier"),
    ("PP-OCR", "cls", "data augmentation: BDA + RandAugment", "数据增强", "06_data_augmentation"),
    ("PP-OCR", "cls", "input resolution", "输入分辨率", "08_direction_classifier"),
    ("PP-OCR", "cls", "PACT quantization", "PACT量化", "08_direction_classifier"),
    ("PP-OCR", "rec", "light backbone: MobileNetV3 small x0.5", "轻量级主干网络", "09_crnn_recognition"),
    ("PP-OCR", "rec", "data augmentation: TIA + BDA", "数据增强", "06_data_augmentation"),
    ("PP-OCR", "rec", "cosine learning-rate decay", "余弦学习率衰减", "05_lr_and_regularization"),
    ("PP-OCR", "rec", "feature map resolution", "特征图分辨率", "10_pplcnet_and_svtr"),
    ("PP-OCR", "rec", "regularization parameters: L2 decay", "正则化参数", "05_lr_and_regularization"),
    ("PP-OCR", "rec", "learning-rate warm-up", "学习率预热", "05_lr_and_regularization"),
    ("PP-OCR", "rec", "light head: 48-d sequence features", "轻量级头部", "09_crnn_recognition"),
    ("PP-OCR", "rec", "pre-trained model", "预训练模型", "17_your_own_data"),
    ("PP-OCR", "rec", "PACT quantization", "PACT量化", "08_direction_classifier"),
    ("PP-OCRv2", "det", "CML: collaborative mutual learning", "协同互学习", "12_cml_detection"),
    ("PP-OCRv2", "det", "CopyPaste data augmentation", "CopyPaste数据增广", "06_data_augmentation"),
    ("PP-OCRv2", "rec", "PP-LCNet light CPU backbone", "轻量级CPU网络", "10_pplcnet_and_svtr"),
    ("PP-OCRv2", "rec", "U-DML: unified deep mutual learning", "统一深度互学习", "13_udml_recognition"),
    ("PP-OCRv2", "rec", "Enhanced CTC loss (center loss)", "增强CTC损失", "14_enhanced_ctc"),
    ("PP-OCRv3", "det", "LK-PAN: large-kernel PAN (teacher neck)", "大感受野的PAN结构", "03_det_necks"),
    ("PP-OCRv3", "det", "DML-trained teacher", "DML蒸馏策略", "15_ppocrv3_detection"),
    ("PP-OCRv3", "det", "RSE-FPN: residual SE FPN (student neck)", "残差注意力机制的FPN结构", "03_det_necks"),
    ("PP-OCRv3", "rec", "SVTR-LCNet light recogniser", "轻量级文本识别网络SVTR_LCNet", "10_pplcnet_and_svtr"),
    ("PP-OCRv3", "rec", "GTC: attention-guided CTC training", "注意力机制引导CTC训练", "17_your_own_data"),
    ("PP-OCRv3", "rec", "TextConAug: concatenation augmentation", "文本上下文数据增广", "10_pplcnet_and_svtr"),
    ("PP-OCRv3", "rec", "TextRotNet: self-supervised pre-training", "自监督预训练模型", None),
    ("PP-OCRv3", "rec", "U-DML with a larger student (improved)", "统一深度互学习", "13_udml_recognition"),
    ("PP-OCRv3", "rec", "UIM: mining unlabelled images", "无标注数据挖掘", None),
    ("PP-OCRv4", "det", "PP-LCNetV3 backbone (learnable re-parameterisation)", "PP-LCNetV3", "18_ppocrv4"),
    ("PP-OCRv4", "det", "PFHead: parallel-fusion head (teacher)", "并行head分支融合结构", "18_ppocrv4"),
    ("PP-OCRv4", "det", "DSR: dynamic shrink ratio", "动态shrink ratio", "18_ppocrv4"),
    ("PP-OCRv4", "det", "CML with a PPHGNet + PFHead teacher", "CML蒸馏进一步提升", None),
    ("PP-OCRv4", "rec", "SVTR_LCNetV3: PP-LCNetV3 recogniser", "SVTR_LCNetV3", "18_ppocrv4"),
    ("PP-OCRv4", "rec", "Lite-Neck: slimmer SVTR neck", "精简Neck结构", "18_ppocrv4"),
    ("PP-OCRv4", "rec", "GTC-NRTR: attention guidance by NRTR", "稳定的Attention指导分支", "18_ppocrv4"),
    ("PP-OCRv4", "rec", "Multi-Scale training", "多尺度训练", None),
    ("PP-OCRv4", "rec", "DF: data mining and filtering", "数据挖掘方案", None),
    ("PP-OCRv4", "rec", "DKD distillation", "DKD蒸馏策略", None),
]


# How deeply the course teaches each strategy, keyed by (generation, stage, English name):
#   "built"    the library has it (`evidence`: the module) and the lesson shows it running;
#   "measured" built, and a checked lesson cell or a committed reference run measures its effect
#              (`evidence`: "lessons/reference_runs/NAME" or "NN_lesson: text of a checked claim");
#   "named"    explained only (`evidence`: "").
# `keyword` is a word the lesson's text must contain; `note` says what is *not* shown. A test
# (tests/test_course_map.py) checks every path, claim and keyword against the tree.
DEPTHS = ("built", "measured", "named")
DEPTH = {
    ("PP-OCR", "det", "light backbone: MobileNetV3 large x0.5"): (
        "measured", "02_det_backbones: ResNet50_vd has about 60x the parameters", "MobileNetV3",
        "size and CPU time against ResNet_vd; accuracy not measured"),
    ("PP-OCR", "det", "light head: FPN with 96 inner channels"): (
        "built", "ocrcourse/models/necks/db_fpn.py", "DBFPN", "accuracy not measured"),
    ("PP-OCR", "det", "remove SE modules"): (
        "built", "ocrcourse/models/backbones/det_mobilenet_v3.py", "disable_se",
        "parameters counted, CPU time printed; accuracy effect not measured"),
    ("PP-OCR", "det", "cosine learning-rate decay"): (
        "built", "ocrcourse/optim/lr.py", "Cosine", "curves drawn; its effect measured on the recogniser only"),
    ("PP-OCR", "det", "learning-rate warm-up"): (
        "built", "ocrcourse/optim/lr.py", "warmup", "curves drawn; its effect measured on the recogniser only"),
    ("PP-OCR", "det", "FPGM pruner"): (
        "built", "ocrcourse/models/pruning.py", "FPGM",
        "a demonstration: filters ranked by FPGM only; no pruned model is fine-tuned or timed"),
    ("PP-OCR", "cls", "light backbone: MobileNetV3 small x0.35"): (
        "built", "ocrcourse/models/heads/cls_head.py", "MobileNetV3", ""),
    ("PP-OCR", "cls", "data augmentation: BDA + RandAugment"): (
        "built", "ocrcourse/data/transforms/rand_augment.py", "RandAugment", "accuracy not measured"),
    ("PP-OCR", "cls", "input resolution"): (
        "measured", "lessons/reference_runs/cls_resolution_48x192_s0", "48×192",
        "from scratch, 3 seeds per arm (comparison cls_resolution); the fine-tuned pair is confounded"),
    ("PP-OCR", "cls", "PACT quantization"): (
        "built", "ocrcourse/models/pact.py", "PACT",
        "a demonstration: the clipping function on real activations; no quantisation-aware training"),
    ("PP-OCR", "rec", "light backbone: MobileNetV3 small x0.5"): (
        "built", "ocrcourse/models/backbones/rec_mobilenet_v3.py", "MobileNetV3", ""),
    ("PP-OCR", "rec", "data augmentation: TIA + BDA"): (
        "measured", "lessons/reference_runs/rec_tia_bda_recaug_s0", "TIA",
        "CRNN from scratch with and without RecAug, 3 seeds per arm (comparison rec_tia_bda)"),
    ("PP-OCR", "rec", "cosine learning-rate decay"): (
        "measured", "lessons/reference_runs/rec_recipe_no_cosine_s0", "Cosine",
        "CRNN from scratch without it, 3 seeds per arm (comparison rec_recipe)"),
    ("PP-OCR", "rec", "feature map resolution"): (
        "built", "ocrcourse/models/backbones/rec_mv1_enhance.py", "stride",
        "shapes shown; the accuracy of other strides not measured"),
    ("PP-OCR", "rec", "regularization parameters: L2 decay"): (
        "measured", "lessons/reference_runs/rec_recipe_no_l2_s0", "L2",
        "CRNN from scratch without it, 3 seeds per arm (comparison rec_recipe); and a toy linear model"),
    ("PP-OCR", "rec", "learning-rate warm-up"): (
        "measured", "lessons/reference_runs/rec_recipe_no_warmup_s0", "warmup",
        "CRNN from scratch without it, 3 seeds per arm (comparison rec_recipe)"),
    ("PP-OCR", "rec", "light head: 48-d sequence features"): (
        "built", "ocrcourse/models/necks/sequence_encoder.py", "hidden_size", ""),
    ("PP-OCR", "rec", "pre-trained model"): (
        "built", "ocrcourse/weights/adapt.py", "pretrained_model",
        "fine-tuning starts from the official weights; from-scratch vs pre-trained not compared"),
    ("PP-OCR", "rec", "PACT quantization"): (
        "named", "", "PACT", "lesson 08's clipping applies; never applied to a recogniser"),
    ("PP-OCRv2", "det", "CML: collaborative mutual learning"): (
        "measured", "lessons/reference_runs/cml_cml_s0", "CML",
        "3 seeds per arm: student alone, DML without teacher, CML (comparison cml)"),
    ("PP-OCRv2", "det", "CopyPaste data augmentation"): (
        "measured", "lessons/reference_runs/det_copypaste_copypaste_s0", "CopyPaste",
        "DB student with and without it, 3 seeds per arm (comparison det_copypaste)"),
    ("PP-OCRv2", "rec", "PP-LCNet light CPU backbone"): (
        "built", "ocrcourse/models/backbones/rec_mv1_enhance.py", "PP-LCNet",
        "parameters and CPU time shown; accuracy not measured"),
    ("PP-OCRv2", "rec", "U-DML: unified deep mutual learning"): (
        "measured", "lessons/reference_runs/udml_udml_s0", "U-DML", "from scratch, 3 seeds per arm (comparison udml)"),
    ("PP-OCRv2", "rec", "Enhanced CTC loss (center loss)"): (
        "measured", "lessons/reference_runs/enhanced_ctc_enhanced_ctc_s0", "center loss",
        "3 seeds per arm from CRNNs trained from scratch (comparison enhanced_ctc)"),
    ("PP-OCRv3", "det", "LK-PAN: large-kernel PAN (teacher neck)"): (
        "built", "ocrcourse/models/necks/lk_pan.py", "LK-PAN", ""),
    ("PP-OCRv3", "det", "DML-trained teacher"): (
        "built", "ocrcourse/losses/distillation.py", "DML", ""),
    ("PP-OCRv3", "det", "RSE-FPN: residual SE FPN (student neck)"): (
        "built", "ocrcourse/models/necks/rse_fpn.py", "RSE-FPN", ""),
    ("PP-OCRv3", "rec", "SVTR-LCNet light recogniser"): (
        "measured", "10_pplcnet_and_svtr: one line through the SVTR neck takes several times", "SVTR",
        "CPU time of the neck against the BiLSTM; accuracy not measured"),
    ("PP-OCRv3", "rec", "GTC: attention-guided CTC training"): (
        "built", "ocrcourse/models/heads/multi_head.py", "SAR", "trained in lesson 17's fine-tuning; gain not measured"),
    ("PP-OCRv3", "rec", "TextConAug: concatenation augmentation"): (
        "built", "ocrcourse/data/transforms/rec_con_aug.py", "TextConAug",
        "in the PP-OCRv3 rec configs (RecConAug); lesson 10 only names it, no lesson shows its output"),
    ("PP-OCRv3", "rec", "TextRotNet: self-supervised pre-training"): ("named", "", "", ""),
    ("PP-OCRv3", "rec", "U-DML with a larger student (improved)"): (
        "built", "ocrcourse/losses/distillation.py", "U-DML", "v2's recipe run on v3's recogniser"),
    ("PP-OCRv3", "rec", "UIM: mining unlabelled images"): ("named", "", "", ""),
    ("PP-OCRv4", "det", "PP-LCNetV3 backbone (learnable re-parameterisation)"): (
        "built", "ocrcourse/models/reparam.py", "PP-LCNetV3", ""),
    ("PP-OCRv4", "det", "PFHead: parallel-fusion head (teacher)"): (
        "built", "ocrcourse/models/heads/pf_head.py", "PFHead", ""),
    ("PP-OCRv4", "det", "DSR: dynamic shrink ratio"): ("named", "", "DSR", "the schedule is drawn; no library transform"),
    ("PP-OCRv4", "det", "CML with a PPHGNet + PFHead teacher"): ("named", "", "", ""),
    ("PP-OCRv4", "rec", "SVTR_LCNetV3: PP-LCNetV3 recogniser"): (
        "built", "ocrcourse/models/backbones/rec_lcnetv3.py", "PP-LCNetV3", ""),
    ("PP-OCRv4", "rec", "Lite-Neck: slimmer SVTR neck"): ("named", "", "", ""),
    ("PP-OCRv4", "rec", "GTC-NRTR: attention guidance by NRTR"): (
        "built", "ocrcourse/models/heads/nrtr_head.py", "NRTR", ""),
    ("PP-OCRv4", "rec", "Multi-Scale training"): (
        "named", "", "", "built in the library (data/multi_scale.py, configs/rec/PP-OCRv4/); no lesson runs it yet"),
    ("PP-OCRv4", "rec", "DF: data mining and filtering"): ("named", "", "", ""),
    ("PP-OCRv4", "rec", "DKD distillation"): (
        "named", "", "", "built in the library (losses/dkd_loss.py, ch_PP-OCRv4_rec_distill_quick.yml); no lesson runs it yet"),
}


def strategy_table(generation: str | None = None):
    """PP-OCR's strategies as a pandas DataFrame (generation, stage, strategy, chinese, lesson).

    Args:
        generation: "PP-OCR" (the 19 of the first paper), "PP-OCRv2", "PP-OCRv3" or "PP-OCRv4"
            (what each added); None: all of them.

    The `lesson` column holds the notebook stem that teaches the strategy, or "—" when the course
    only explains it (lesson 01); `depth` says how deeply (built / measured / named, see DEPTH) and
    `not shown` what the course does not show of it.
    """
    import pandas as pd

    rows = [(g, s, en, zh, stem or "—", DEPTH[(g, s, en)][0], DEPTH[(g, s, en)][3] or "—")
            for g, s, en, zh, stem in STRATEGIES if generation is None or g == generation]
    if not rows:
        raise ValueError(f"unknown generation {generation!r}; use one of "
                         f"{sorted({g for g, *_ in STRATEGIES})} or None")
    return pd.DataFrame(rows, columns=["generation", "stage", "strategy", "chinese", "lesson", "depth", "not shown"])
