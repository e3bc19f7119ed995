"""Reproduce the reference runs that lessons show beside the learner's quick run.

    python data_scripts/reference_runs.py --list
    python data_scripts/reference_runs.py 07_det_mv3_db          # one run
    python data_scripts/reference_runs.py 08_cls_mv3 09_rec_crnn  # several, one after the other
    python data_scripts/reference_runs.py 09_crnn_recognition     # every run a lesson shows (a group)
    python data_scripts/reference_runs.py --all                   # every run, in dependency order
    python data_scripts/reference_runs.py --update-meta           # rewrite the table's keys into existing metas

Each run is the project's own training command, `python -m ocrcourse.cli train -c CONFIG -o ...`,
at a budget larger than quick mode. The script times it and writes, under
`lessons/reference_runs/<name>/`:

- `history.csv`: the training history the trainer wrote (one row per step, eval_* columns on the
  steps that evaluated);
- `meta.json`: command, commit (`git rev-parse HEAD`, and whether the tree had local changes),
  machine (platform, CPU count, load average at the start and the end: the machine may be shared),
  wall_time_s, cpu_time_s (user + system time of the run's processes), seed, data stamp, lesson,
  from_scratch (true: every weight starts random; false: `start` says what was loaded), for the
  runs of a comparison also comparison and arm, final_metrics (the last evaluation) and best_metrics.

Lessons read these two files and plot or print them; no number is written by hand. Checkpoints go
to `output/reference_runs/<name>/` (git-ignored).

To add a run, add an entry to `REFERENCE_RUNS`: name -> config, overrides, the lesson that shows it,
from_scratch and start. Run from the repository root (configs point at ./train_data; `make data`
builds it; the runs that need another dataset or weights file build it first, see `PREPARE`).
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shlex
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "lessons" / "reference_runs"
REPORT = OUT / "REPORT.md"

# name -> {"config": path from the repo root, "overrides": ["Key.path=value", ...], "lesson": stem}
# In an override, "{official:NAME}" becomes the path of the official weights NAME (ocrcourse.weights).
# Optional "before": commands run first (`python -m ocrcourse.cli ARGS...`, e.g. export-center, adapt-rec);
# optional "initial_eval": evaluate the starting weights first and keep them as meta["initial_metrics"];
# optional "predictions": afterwards write predictions.tsv (label, text per Eval line) from the best checkpoint.
_DET_V2 = ["Global.seed=0", "Global.epoch_num=1", "Global.max_steps=40", "Global.eval_batch_step=[0,20]",
           "Optimizer.lr.warmup_epoch=0.1", "Train.loader.batch_size_per_card=4", "Train.loader.num_workers=0",
           "Eval.loader.num_workers=0", "Train.dataset.transforms.3.EastRandomCropData.size=[160,160]",
           "Eval.dataset.transforms.2.DetResizeForTest.limit_side_len=320",
           "Eval.dataset.transforms.2.DetResizeForTest.limit_type=max"]
# the teacher's own budget replaces these (see ppocrv2_det_teacher)
_DET_TEACHER_BUDGET_KEYS = ("Global.epoch_num", "Global.max_steps", "Global.eval_batch_step")
# rec: the PP-OCRv2 recipes on PP-OCRv3's recogniser (configs/rec/ch_PP-OCRv2/*_v3ctc_quick.yml), started
# from the official weights re-indexed for the synthetic dictionary (`ocrcourse adapt-rec`), so that the
# models read from step 0 instead of sitting in CTC's all-blank phase. Lines of at most 10 characters
# (Global.max_text_length drops longer labels, in Train and Eval), 48x160, batch 16, 120 steps at a
# constant lr 2e-4 (fine-tuning; no warmup), eval every 40 steps on the eval lines.
_ADAPTED_REC = "./output/reference_runs/PP-OCRv3_rec_ctc_synth.pdparams"
_ADAPT_REC = ["adapt-rec", "--dict", "./train_data/synth/dict.txt", "--out", _ADAPTED_REC]
_REC_V2 = ["Global.seed=0", "Global.epoch_num=20", "Global.max_steps=120", "Global.eval_batch_step=[0,40]",
           "Global.max_text_length=10", "Optimizer.lr.warmup_epoch=0", "Optimizer.lr.values=[0.0002,0.0002]",
           "Train.loader.batch_size_per_card=16",
           "Train.dataset.transforms.3.RecResizeImg.image_shape=[3,48,160]",
           "Eval.dataset.transforms.2.RecResizeImg.image_shape=[3,48,160]"]
REFERENCE_RUNS = {
    "07_det_mv3_db": {
        "from_scratch": True,
        "start": "random initialisation (no weights loaded)",
        "lesson": "07_train_db",
        "config": "configs/det/ch_ppocr_v2.0/ch_det_mv3_db_v2.0_quick.yml",
        # warmup_epoch=2: the recorded run used the official 2 warm-up epochs (the quick config's
        # default then; it is 0.1 now).
        "overrides": ["Global.epoch_num=4", "Global.eval_batch_step=[0,63]", "Optimizer.lr.warmup_epoch=2",
                      "Train.dataset.transforms.3.EastRandomCropData.size=[160,160]"],
    },
    "08_cls_mv3_48x192_finetune": {
        "from_scratch": False,
        "start": "the official ppocr_mobile_v2.0_cls classifier (all weights)",
        "lesson": "08_direction_classifier",
        "config": "configs/cls/cls_mv3_quick.yml",
        "overrides": ["Global.epoch_num=4", "Global.eval_batch_step=[0,50]",
                      "Global.pretrained_model={official:ppocr_mobile_v2.0_cls}", "Optimizer.lr.learning_rate=0.0002"],
    },
    "08_cls_mv3_32x100_finetune": {
        "from_scratch": False,
        "start": "the official ppocr_mobile_v2.0_cls classifier (all weights)",
        "lesson": "08_direction_classifier",
        "config": "configs/cls/cls_mv3_quick.yml",
        "overrides": ["Global.epoch_num=4", "Global.eval_batch_step=[0,50]",
                      "Global.pretrained_model={official:ppocr_mobile_v2.0_cls}", "Optimizer.lr.learning_rate=0.0002",
                      "Train.dataset.transforms.4.ClsResizeImg.image_shape=[3,32,100]",
                      "Eval.dataset.transforms.2.ClsResizeImg.image_shape=[3,32,100]"],
    },
    "09_rec_crnn": {
        "from_scratch": True,
        "start": "random initialisation (no weights loaded)",
        "lesson": "09_crnn_recognition",
        "config": "configs/rec/ch_ppocr_v2.0/rec_chinese_lite_train_v2.0_quick.yml",
        "overrides": ["Global.epoch_num=1", "Global.eval_batch_step=[0,56]"],
    },
    # The runs that learn (issue 15), which lessons 09 and 07 lead with.
    # CRNN from scratch on the codes task (prices, dates, codes: 20 characters, lines of 2-10),
    # configs/rec/course/rec_mv3_crnn_codes.yml; every departure from the official recipe is in its header.
    "09_rec_crnn_codes": {
        "lesson": "09_crnn_recognition",
        "config": "configs/rec/course/rec_mv3_crnn_codes.yml",
        "prepare": ["codes_data"],
        "predictions": True,
        # its evals fall every 188 steps up to 2068: the last weights (step 2250) are evaluated after
        # training, and their texts are the predictions
        "end_eval": True,
        "predictions_from": "latest",
        "from_scratch": True,
        "start": "random initialisation (no weights loaded)",
        "overrides": ["Global.seed=0", "Global.epoch_num=6", "Global.eval_batch_step=[0,188]"],
    },
    # DB on the synthetic scenes, backbone out of the official PP-OCRv3 detector (standing in for the
    # ImageNet backbone PaddleOCR's guides start from), neck and head random.
    "07_det_mv3_db_v3backbone": {
        "lesson": "07_train_db",
        "config": "configs/det/course/det_mv3_db_v3backbone.yml",
        "prepare": ["det_backbone"],
        "from_scratch": False,
        "start": "backbone from the official PP-OCRv3 detector (ocrcourse.weights 'PP-OCRv3_det', keys "
                 "backbone.*); neck and head random",
        "overrides": ["Global.seed=0", "Global.epoch_num=6", "Global.eval_batch_step=[0,32]"],
    },
    # Lessons 12-14 (PP-OCRv2 distillation and Enhanced CTC). Each pair shares data, crop/batch,
    # steps, schedule, seed (Global.seed=0) and initial weights; only the recipe differs.
    # Budgets fit <= 8 minutes per run on a shared 2-core CPU: tiny, so read the results as such.
    # det: 160x160 crops, batch 4, 40 steps, eval at 320 px on the 50 eval images.
    # Students start from the official PP-OCRv3 detector's MobileNetV3 backbone + DB binarize head
    # (the only MobileNetV3 x0.5 weights offline).
    # The ResNet18_vd teacher is NOT part of the pair: as in the PP-OCRv2 recipe it is trained first,
    # on its own (larger) budget, from scratch (no ResNet18_vd weights offline): same data, crops,
    # batch, seed and eval as the pair, but 3 epochs (189 steps, the cosine schedule spanning all of
    # them, warm-up 0.1 epoch = 6 steps), eval every epoch; about 10 minutes on the shared CPU.
    "ppocrv2_det_teacher": {
        "from_scratch": True,
        "start": "random initialisation (no ResNet18_vd weights offline)",
        "lesson": "12_cml_detection",
        "config": "configs/det/ch_ppocr_v2.0/ch_det_res18_db_v2.0.yml",
        "overrides": [*[o for o in _DET_V2 if o.split("=")[0] not in _DET_TEACHER_BUDGET_KEYS],
                      "Global.epoch_num=3", "Global.max_steps=189", "Global.eval_batch_step=[0,63]"],
    },
    "ppocrv2_det_student": {
        "from_scratch": False,
        "start": "the official PP-OCRv3 detector's backbone and DB head (the neck differs)",
        "comparison": "ppocrv2_det_cml", "arm": "student",
        "lesson": "12_cml_detection",
        "config": "configs/det/ch_PP-OCRv2/ch_PP-OCRv2_det_student.yml",
        "overrides": [*_DET_V2, "Global.pretrained_model={official:PP-OCRv3_det}"],
    },
    "ppocrv2_det_cml": {
        "from_scratch": False,
        "start": "students: as ppocrv2_det_student; teacher: ppocrv2_det_teacher's best checkpoint",
        "comparison": "ppocrv2_det_cml", "arm": "cml",
        "lesson": "12_cml_detection",
        "config": "configs/det/ch_PP-OCRv2/ch_PP-OCRv2_det_cml_quick.yml",
        "overrides": [*[o.replace("transforms.3.", "transforms.4.") for o in _DET_V2],   # CopyPaste is index 2
                      "Architecture.Models.Teacher.pretrained=./output/reference_runs/ppocrv2_det_teacher/best_accuracy",
                      "Architecture.Models.Student.pretrained={official:PP-OCRv3_det}",
                      "Architecture.Models.Student2.pretrained={official:PP-OCRv3_det}"],
    },
    # U-DML: two identical models, both from the same adapted weights (the SVTR neck's dropout makes
    # them differ from the first step, which DML and the feature loss then pull together).
    "ppocrv2_rec_single": {
        "from_scratch": False,
        "start": "the official PP-OCRv3 recogniser re-indexed for the synthetic dictionary (adapt-rec)",
        "comparison": "ppocrv2_rec_udml", "arm": "single",
        "lesson": "13_udml_recognition",
        "config": "configs/rec/ch_PP-OCRv2/ch_PP-OCRv2_rec_v3ctc_quick.yml",
        "before": [_ADAPT_REC],
        "initial_eval": True,
        "predictions": True,
        "overrides": [*_REC_V2, f"Global.pretrained_model={_ADAPTED_REC}"],
    },
    "ppocrv2_rec_udml": {
        "from_scratch": False,
        "start": "the official PP-OCRv3 recogniser re-indexed for the synthetic dictionary (adapt-rec)",
        "comparison": "ppocrv2_rec_udml", "arm": "udml",
        "lesson": "13_udml_recognition",
        "config": "configs/rec/ch_PP-OCRv2/ch_PP-OCRv2_rec_distillation_v3ctc_quick.yml",
        "before": [_ADAPT_REC],
        "initial_eval": True,
        "predictions": True,
        "overrides": [*_REC_V2, f"Architecture.Models.Teacher.pretrained={_ADAPTED_REC}",
                      f"Architecture.Models.Student.pretrained={_ADAPTED_REC}"],
    },
    # Enhanced CTC as the official guide runs it: centers exported from a trained model (the single
    # model above), then training continues with CTC + 0.05 x CenterLoss. The baseline continues the
    # same checkpoint for the same 120 steps with CTC alone.
    "ppocrv2_rec_ctc": {
        "from_scratch": False,
        "start": "ppocrv2_rec_single's best checkpoint",
        "comparison": "ppocrv2_rec_enhanced_ctc", "arm": "ctc",
        "lesson": "14_enhanced_ctc",
        "config": "configs/rec/ch_PP-OCRv2/ch_PP-OCRv2_rec_v3ctc_quick.yml",
        "initial_eval": True,
        "predictions": True,
        "overrides": [*_REC_V2, "Global.pretrained_model=./output/reference_runs/ppocrv2_rec_single/best_accuracy"],
    },
    "ppocrv2_rec_enhanced_ctc": {
        "from_scratch": False,
        "start": "ppocrv2_rec_single's best checkpoint",
        "comparison": "ppocrv2_rec_enhanced_ctc", "arm": "enhanced_ctc",
        "lesson": "14_enhanced_ctc",
        "config": "configs/rec/ch_PP-OCRv2/ch_PP-OCRv2_rec_enhanced_ctc_loss_v3ctc_quick.yml",
        "before": [["export-center", "-c", "configs/rec/ch_PP-OCRv2/ch_PP-OCRv2_rec_enhanced_ctc_loss_v3ctc_quick.yml",
                    "-o", *_REC_V2, "Global.pretrained_model=./output/reference_runs/ppocrv2_rec_single/best_accuracy",
                    "--out", "./output/reference_runs/ppocrv2_rec_single/train_center.pkl"]],
        "initial_eval": True,
        "predictions": True,
        "overrides": [*_REC_V2, "Global.pretrained_model=./output/reference_runs/ppocrv2_rec_single/best_accuracy",
                      "Loss.loss_config_list.1.CenterLoss.init_center=true",
                      "Loss.loss_config_list.1.CenterLoss.center_file_path="
                      "./output/reference_runs/ppocrv2_rec_single/train_center.pkl"],
    },
}


# --- PP-OCR's comparisons, measured over seeds (issue 15) -------------------------------------------
# Each comparison's protocol (question, task, eval set, metric, budget, seeds, arms, how the result is
# read) is fixed here before its runs and copied into every run's meta.json ("protocol"); the runs are
# generated from it: "<comparison>_<arm>_s<seed>". Arms of a comparison share data, budget, schedule
# and seeds; they differ in the recipe only. Run them with --jobs 2 so that every arm runs under the
# same load (two runs at a time on the 2-core machine).
SEEDS = (0, 1, 2)
_CODES_BUDGET = ["Global.epoch_num=3", "Global.eval_batch_step=[0,375]"]
_DET_CMP_BUDGET = ["Global.epoch_num=5", "Global.eval_batch_step=[0,80]",
                   "Train.dataset.transforms.3.EastRandomCropData.size=[160,160]"]
_READING = ("Per arm: every seed's value, the mean, the sample standard deviation and the range. The "
            "difference between an arm and the baseline exceeds the seed spread only if the two ranges do "
            "not overlap (every seed of one arm above every seed of the other); otherwise it is reported as "
            "within noise. Decided before the runs; not changed after them.")
_CODES_TASK = {"task": "codes task (train_data/synth_codes, 6000 train lines, 20 characters)",
               "eval_set": "the 300 held-out lines of the codes task (train_data/synth_codes/rec/eval.txt)",
               "metric": "acc"}
_CODES_CRNN = {"config": "configs/rec/course/rec_mv3_crnn_codes.yml", "from_scratch": True,
               "start": "random initialisation (no weights loaded)"}
COMPARISONS = {
    "udml": {
        "lesson": "13_udml_recognition",
        "question": "Does U-DML (two CRNNs trained together with CTC + DML + feature distance) read better "
                    "than one CRNN trained alone, both from scratch, at the same budget?",
        **_CODES_TASK,
        "metric_meaning": "exact-match accuracy of the arm's model (U-DML: the Student) at the last step",
        "budget": "3 epochs of 375 steps (batch 16), Adam, cosine from 0.003 with a 56-step warm-up; "
                  "evaluated at steps 375, 750 and 1125",
        "seeds": list(SEEDS), "baseline": "single", "reading": _READING,
        "arms": {
            "single": {"config": "configs/rec/course/rec_mv3_crnn_codes.yml", "overrides": _CODES_BUDGET,
                       "from_scratch": True, "start": "random initialisation (no weights loaded)",
                       "what": "one CRNN, CTC loss"},
            "udml": {"config": "configs/rec/course/rec_mv3_crnn_codes_udml.yml", "overrides": _CODES_BUDGET,
                     "from_scratch": True, "start": "random initialisation of both models (no weights loaded)",
                     "what": "two CRNNs: CTC each + DML on their outputs + L2 on their backbone features"},
        },
    },
    "enhanced_ctc": {
        "lesson": "14_enhanced_ctc",
        "question": "Does continuing with CTC + 0.05 x center loss (centers exported from the model) read "
                    "better than continuing with CTC alone, from the same from-scratch model?",
        **_CODES_TASK,
        "metric_meaning": "exact-match accuracy at the last step",
        "budget": "1 epoch of 375 steps (batch 16), Adam, cosine from 0.001, no warm-up, evaluated at the "
                  "end; seed s continues udml_single_s<s> (the CRNN trained from scratch with that seed)",
        "seeds": list(SEEDS), "baseline": "ctc", "reading": _READING,
        "arms": {
            "ctc": {"config": "configs/rec/course/rec_mv3_crnn_codes.yml",
                    "overrides": ["Global.epoch_num=1", "Global.eval_batch_step=[0,375]",
                                  "Optimizer.lr.learning_rate=0.001", "Optimizer.lr.warmup_epoch=0",
                                  "Global.pretrained_model=./output/reference_runs/udml_single_s{seed}/latest"],
                    "from_scratch": False, "start": "udml_single_s{seed}'s last weights (a CRNN trained here from scratch)",
                    "after": ["udml_single_s{seed}"], "predictions": True, "what": "CTC alone"},
            "enhanced_ctc": {
                "config": "configs/rec/course/rec_mv3_crnn_codes_enhanced_ctc.yml",
                "overrides": ["Global.epoch_num=1", "Global.eval_batch_step=[0,375]",
                              "Optimizer.lr.learning_rate=0.001", "Optimizer.lr.warmup_epoch=0",
                              "Global.pretrained_model=./output/reference_runs/udml_single_s{seed}/latest",
                              "Loss.loss_config_list.1.CenterLoss.center_file_path="
                              "./output/reference_runs/enhanced_ctc_enhanced_ctc_s{seed}/centers.pkl"],
                "before": [["export-center", "-c", "configs/rec/course/rec_mv3_crnn_codes_enhanced_ctc.yml", "-o",
                            "Global.pretrained_model=./output/reference_runs/udml_single_s{seed}/latest",
                            "--out", "./output/reference_runs/enhanced_ctc_enhanced_ctc_s{seed}/centers.pkl"]],
                "from_scratch": False, "start": "udml_single_s{seed}'s last weights (a CRNN trained here from scratch)",
                "after": ["udml_single_s{seed}"], "predictions": True,
                "what": "CTC + 0.05 x CenterLoss, centers exported from the start model"},
        },
    },
    "cml": {
        "lesson": "12_cml_detection",
        "question": "Does CML (a trained teacher + two students learning from each other) detect better than "
                    "one student trained alone, and how much of it is the teacher (DML of two students "
                    "without a teacher)?",
        "task": "the synthetic detection scenes (train_data/synth/det, 250 train scenes)",
        "eval_set": "the 50 synthetic eval scenes (train_data/synth/det/eval.txt) at their own size (<= 640)",
        "metric": "hmean",
        "metric_meaning": "DetMetric hmean of the arm's student (CML and DML: the first student) at the last step",
        "budget": "5 epochs of 32 steps (batch 8, 160x160 crops), Adam, cosine from 0.002 with a 16-step "
                  "warm-up; evaluated at steps 80 and 160; students start from the official PP-OCRv3 "
                  "detector's backbone (neck and head random)",
        "seeds": list(SEEDS), "baseline": "student", "reading": _READING,
        "arms": {
            "student": {"config": "configs/det/course/det_mv3_db_v3backbone.yml", "overrides": _DET_CMP_BUDGET,
                        "prepare": ["det_backbone"], "from_scratch": False,
                        "start": "backbone from the official PP-OCRv3 detector; neck and head random",
                        "what": "one student, DB loss"},
            "dml": {"config": "configs/det/course/det_mv3_db_v3backbone_dml.yml", "overrides": _DET_CMP_BUDGET,
                    "prepare": ["det_backbone"], "from_scratch": False,
                    "start": "both students: backbone from the official PP-OCRv3 detector; neck and head random",
                    "what": "two students: DB loss each + DML on their shrink maps (no teacher)"},
            "cml": {"config": "configs/det/course/det_mv3_db_v3backbone_cml.yml", "overrides": _DET_CMP_BUDGET,
                    "prepare": ["det_backbone"], "after": ["ppocrv2_det_teacher"], "from_scratch": False,
                    "start": "students as dml; frozen teacher: ppocrv2_det_teacher's best checkpoint "
                             "(ResNet18_vd DB trained here from scratch)",
                    "what": "teacher + two students: DilaDB distillation from the teacher + DML + DB loss"},
        },
    },
    # --- PP-OCR's training-recipe ablations (issue 20): one strategy removed at a time -------------
    # An arm with "borrow" runs nothing: its seeds are runs of another comparison with exactly the
    # same config and overrides (a test checks that), read under this comparison's name.
    "rec_recipe": {
        "lesson": "05_lr_and_regularization",
        "question": "PP-OCR trains its recogniser with cosine decay, a learning-rate warm-up and L2 decay 1e-5. "
                    "Does removing one of them at a time change what a CRNN trained from scratch reads, at "
                    "the same budget?",
        **_CODES_TASK,
        "metric_meaning": "exact-match accuracy at the last step",
        "budget": "3 epochs of 375 steps (batch 16), Adam from 0.003; evaluated at steps 375, 750 and 1125; "
                  "the recipe: cosine decay, a 56-step warm-up, L2 1e-5 on the weights and the CTC head",
        "seeds": list(SEEDS), "baseline": "recipe", "reading": _READING,
        "arms": {
            "recipe": {**_CODES_CRNN, "overrides": _CODES_BUDGET, "borrow": "udml_single_s{seed}",
                       "what": "cosine + warm-up + L2 (the runs udml_single_s0-2: the same config and overrides)"},
            "no_cosine": {**_CODES_CRNN, "overrides": [*_CODES_BUDGET, "Optimizer.lr.name=Const"],
                          "what": "constant learning rate after the same warm-up (PaddleOCR's Const), L2 kept"},
            "no_warmup": {**_CODES_CRNN, "overrides": [*_CODES_BUDGET, "Optimizer.lr.warmup_epoch=0"],
                          "what": "cosine from the first step at 0.003, no warm-up; L2 kept"},
            "no_l2": {**_CODES_CRNN,
                      "overrides": [*_CODES_BUDGET, "Optimizer.regularizer.factor=0", "Architecture.Head.fc_decay=0"],
                      "what": "no L2 decay (optimizer and CTC head); cosine and warm-up kept"},
        },
    },
    "rec_tia_bda": {
        "lesson": "06_data_augmentation",
        "question": "PP-OCR augments its recogniser's training lines with TIA + BDA (RecAug). Does a CRNN "
                    "trained from scratch with RecAug read the held-out lines better at the same budget?",
        **_CODES_TASK,
        "metric_meaning": "exact-match accuracy at the last step",
        "budget": "3 epochs of 375 steps (batch 16), Adam, cosine from 0.003 with a 56-step warm-up; "
                  "evaluated at steps 375, 750 and 1125",
        "seeds": list(SEEDS), "baseline": "plain", "reading": _READING,
        "arms": {
            "plain": {**_CODES_CRNN, "overrides": _CODES_BUDGET, "borrow": "udml_single_s{seed}",
                      "what": "no augmentation (the runs udml_single_s0-2: the same config and overrides)"},
            "recaug": {"config": "configs/rec/course/rec_mv3_crnn_codes_recaug.yml", "overrides": _CODES_BUDGET,
                       "from_scratch": True, "start": "random initialisation (no weights loaded)",
                       "what": "RecAug (TIA + BDA, PaddleOCR's defaults) on every training line"},
        },
    },
    "cls_resolution": {
        "lesson": "08_direction_classifier",
        "question": "PP-OCR raised the direction classifier's input from 32x100 to 48x192. Trained from scratch "
                    "(so that neither arm starts from weights made at one of the two sizes), does the larger "
                    "input classify better at the same budget?",
        "task": "the synthetic direction crops (train_data/synth/cls, 800 train crops, 0 or 180 degrees)",
        "eval_set": "the 200 held-out crops (train_data/synth/cls/eval.txt)",
        "metric": "acc",
        "metric_meaning": "accuracy at the last step",
        "budget": "20 epochs of 50 steps (batch 16, BDA + RandAugment), Adam, cosine from 0.001; evaluated "
                  "every 250 steps; random initialisation",
        "seeds": list(SEEDS), "baseline": "32x100", "reading": _READING,
        "arms": {
            "32x100": {"config": "configs/cls/cls_mv3_quick.yml",
                       "overrides": ["Global.epoch_num=20", "Global.eval_batch_step=[0,250]",
                                     "Train.dataset.transforms.4.ClsResizeImg.image_shape=[3,32,100]",
                                     "Eval.dataset.transforms.2.ClsResizeImg.image_shape=[3,32,100]"],
                       "from_scratch": True, "start": "random initialisation (no weights loaded)",
                       "what": "crops resized to 32x100 (PP-OCR's earlier input)"},
            "48x192": {"config": "configs/cls/cls_mv3_quick.yml",
                       "overrides": ["Global.epoch_num=20", "Global.eval_batch_step=[0,250]"],
                       "from_scratch": True, "start": "random initialisation (no weights loaded)",
                       "what": "crops resized to 48x192 (PP-OCR's direction classifier)"},
        },
    },
    "det_copypaste": {
        "lesson": "06_data_augmentation",
        "question": "Does CopyPaste (text instances pasted from another training scene) help the detector at "
                    "the same budget?",
        "task": "the synthetic detection scenes (train_data/synth/det, 250 train scenes)",
        "eval_set": "the 50 synthetic eval scenes (train_data/synth/det/eval.txt) at their own size (<= 640)",
        "metric": "hmean",
        "metric_meaning": "DetMetric hmean at the last step",
        "budget": "5 epochs of 32 steps (batch 8, 160x160 crops), Adam, cosine from 0.002 with a 16-step "
                  "warm-up; evaluated at steps 80 and 160; backbone from the official PP-OCRv3 detector "
                  "(neck and head random)",
        "seeds": list(SEEDS), "baseline": "student", "reading": _READING,
        "arms": {
            "student": {"config": "configs/det/course/det_mv3_db_v3backbone.yml", "overrides": _DET_CMP_BUDGET,
                        "borrow": "cml_student_s{seed}", "prepare": ["det_backbone"], "from_scratch": False,
                        "start": "backbone from the official PP-OCRv3 detector; neck and head random",
                        "what": "flip, rotate, resize, crop (the runs cml_student_s0-2: the same config and overrides)"},
            "copypaste": {"config": "configs/det/course/det_mv3_db_v3backbone_copypaste.yml",
                          "overrides": [*_DET_CMP_BUDGET[:2], "Train.dataset.transforms.4.EastRandomCropData.size=[160,160]"],
                          "prepare": ["det_backbone"], "from_scratch": False,
                          "start": "backbone from the official PP-OCRv3 detector; neck and head random",
                          "what": "the same + CopyPaste (PaddleOCR's defaults, as in the PP-OCRv2 det config)"},
        },
    },
}


def _fill(value, seed: int):
    """Put the seed into the "{seed}" placeholders of a string, or of every string in a (nested) list."""
    if isinstance(value, str):
        return value.replace("{seed}", str(seed))
    if isinstance(value, list):
        return [_fill(v, seed) for v in value]
    return value


def comparison_runs(comparisons: dict = COMPARISONS) -> dict:
    """The table entries of every comparison run: "<comparison>_<arm>_s<seed>"."""
    out = {}
    for comparison, proto in comparisons.items():
        for arm, spec in proto["arms"].items():
            if "borrow" in spec:      # its runs belong to another comparison
                continue
            for seed in proto["seeds"]:
                entry = {k: _fill(v, seed) for k, v in spec.items() if k != "what"}
                entry["overrides"] = [f"Global.seed={seed}", *entry["overrides"]]
                entry.update(lesson=proto["lesson"], comparison=comparison, arm=arm)
                out[f"{comparison}_{arm}_s{seed}"] = entry
    return out


def protocol(name: str) -> dict | None:
    """The protocol of the comparison run `name` belongs to (without the other arms' table entries)."""
    comparison = REFERENCE_RUNS[name].get("comparison")
    proto = COMPARISONS.get(comparison)
    if proto is None:
        return None
    borrowed = {arm: spec["borrow"] for arm, spec in proto["arms"].items() if "borrow" in spec}
    return {**{k: v for k, v in proto.items() if k != "arms"},
            "arms": {arm: spec["what"] for arm, spec in proto["arms"].items()},
            **({"borrowed": borrowed} if borrowed else {})}


REFERENCE_RUNS.update(comparison_runs())


def resolve_override(item: str) -> str:
    """Replace an "{official:NAME}" placeholder by the local path of those official weights."""
    if "{official:" not in item:
        return item
    from ocrcourse.weights import official

    head, rest = item.split("{official:", 1)
    name, tail = rest.split("}", 1)
    return head + official(name) + tail


def command_for(name: str, save_dir: str, resolve: bool = True) -> list[str]:
    """The training command of reference run `name` (argv list, run from the repo root)."""
    spec = REFERENCE_RUNS[name]
    overrides = [resolve_override(o) for o in spec["overrides"]] if resolve else list(spec["overrides"])
    return [sys.executable, "-m", "ocrcourse.cli", "train", "-c", spec["config"],
            "-o", *overrides, f"Global.save_model_dir={save_dir}"]


def _git(*args: str) -> str:
    try:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


def machine() -> dict:
    """Where the run happened: platform, CPU count, load average at the start, Paddle version."""
    info = {"platform": platform.platform(), "processor": platform.processor() or platform.machine(),
            "cpu_count": os.cpu_count(), "python": platform.python_version()}
    if hasattr(os, "getloadavg"):
        info["loadavg_at_start"] = [round(x, 2) for x in os.getloadavg()]
    try:
        import paddle
        info["paddle"] = paddle.__version__
    except ImportError:
        pass
    return info


def eval_metrics(history: pd.DataFrame) -> tuple[dict, dict]:
    """(final, best) evaluation metrics of a history: the last eval row, and the row with the
    highest value of the first eval column (the config's main indicator comes first)."""
    cols = [c for c in history.columns if c.startswith("eval_")]
    rows = history.dropna(subset=cols, how="all") if cols else history.iloc[0:0]
    if rows.empty:
        return {}, {}

    def pick(row):
        return {"step": int(row["step"]), **{c[5:]: float(row[c]) for c in cols if pd.notna(row[c])}}

    return pick(rows.iloc[-1]), pick(rows.loc[rows[cols[0]].idxmax()])


def initial_metrics(name: str) -> dict:
    """Evaluate the run's starting weights (`ocrcourse eval` with the run's config and overrides):
    the step-0 point of its curve. Prints and returns the metrics."""
    cmd = [sys.executable, "-m", "ocrcourse.cli", *map(resolve_override, eval_args(name))]
    out = subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True, text=True).stdout
    metrics = json.loads([line for line in out.splitlines() if line.startswith("{")][-1])
    print(f"{name}: initial weights {metrics}", flush=True)
    return metrics


def eval_args(name: str, *overrides: str) -> list[str]:
    """`ocrcourse eval` with the run's config and overrides, plus `overrides` (argv after the cli)."""
    spec = REFERENCE_RUNS[name]
    return ["eval", "-c", spec["config"], "-o", *spec["overrides"], *overrides]


def predictions_command(name: str) -> list[str]:
    """`ocrcourse eval ... --predictions` on the run's best checkpoint, or on its last weights when the
    table says `"predictions_from": "latest"` (argv after `python -m ocrcourse.cli`)."""
    which = REFERENCE_RUNS[name].get("predictions_from", "best_accuracy")
    return [*eval_args(name, f"Global.checkpoints=./output/reference_runs/{name}/{which}"),
            "--predictions", f"./lessons/reference_runs/{name}/predictions.tsv"]


def end_metrics(name: str, out_root: Path = OUT) -> dict:
    """Evaluate the run's last weights (`latest`) and keep them as meta["end_metrics"] with the last
    step: the end of the curve, when the eval cadence does not fall on the last step."""
    cmd = [sys.executable, "-m", "ocrcourse.cli",
           *map(resolve_override, eval_args(name, f"Global.checkpoints=./output/reference_runs/{name}/latest"))]
    out = subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True, text=True).stdout
    metrics = json.loads([line for line in out.splitlines() if line.startswith("{")][-1])
    meta_path = out_root / name / "meta.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta["end_metrics"] = {"step": meta.get("steps"), **metrics}
    meta_path.write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{name}: last weights {metrics}", flush=True)
    return meta["end_metrics"]


def save_predictions(name: str, out_root: Path = OUT) -> None:
    """Write predictions.tsv (label, recognised text per Eval line) of a finished run and note the
    command in its meta.json."""
    cmd = predictions_command(name)
    subprocess.run([sys.executable, "-m", "ocrcourse.cli", *map(resolve_override, cmd)], cwd=ROOT, check=True)
    meta_path = out_root / name / "meta.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta["predictions_command"] = shlex.join(["python", "-m", "ocrcourse.cli", *cmd])
    meta_path.write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{name}: wrote predictions.tsv", flush=True)


def data_stamp(config: str | None = None) -> dict:
    """The stamp of the dataset a run trains on (generator version, seed, sizes): the `.stamp.json`
    of the train_data/<set>/ folder its config's Train.dataset.data_dir lies in (default: synth)."""
    folder = "synth"
    if config is not None:
        from ocrcourse.config import load_config

        data_dir = Path(load_config(ROOT / config)["Train"]["dataset"]["data_dir"])
        parts = data_dir.parts
        if "train_data" in parts and parts.index("train_data") + 1 < len(parts):
            folder = parts[parts.index("train_data") + 1]
    path = ROOT / "train_data" / folder / ".stamp.json"
    return json.loads(path.read_text()) if path.exists() else {}


# --- steps a run needs before training: a dataset or a weights file (name -> function) -------------

DET_BACKBONE = "./output/reference_runs/PP-OCRv3_det_backbone.pdparams"


def prepare_codes_data() -> None:
    """Build ./train_data/synth_codes (the codes task of lesson 09) unless it is current."""
    from ocrcourse.data.synth_codes import build_codes_dataset

    build_codes_dataset(ROOT / "train_data")


def prepare_det_backbone(out: str = DET_BACKBONE) -> dict:
    """Copy the backbone of the official PP-OCRv3 detector alone (keys `backbone.*`,
    `ocrcourse.weights.official_backbone`) to `out`, so that a DB model loading it starts with random
    neck and head. Returns {"kept": n, "dropped": n}."""
    import shutil

    import paddle

    from ocrcourse.weights import official, official_backbone

    path = ROOT / out
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(official_backbone("PP-OCRv3_det"), path)
    kept, total = len(paddle.load(str(path))), len(paddle.load(official("PP-OCRv3_det")))
    return {"kept": kept, "dropped": total - kept}


PREPARE = {"codes_data": prepare_codes_data, "det_backbone": prepare_det_backbone}

# keys copied from the table into every meta.json (run_keys)
_META_KEYS = ("lesson", "from_scratch", "start", "comparison", "arm")


def run_seed(name: str) -> int | None:
    """Global.seed of a run: its override, else its config's."""
    spec = REFERENCE_RUNS[name]
    for o in spec["overrides"]:
        if o.startswith("Global.seed="):
            return int(o.split("=", 1)[1])
    from ocrcourse.config import load_config

    seed = load_config(ROOT / spec["config"]).get("Global", {}).get("seed")
    return None if seed is None else int(seed)


def run_keys(name: str) -> dict:
    """What the table says about a run, as written into its meta: lesson, from_scratch, start,
    comparison and arm (when it belongs to one) and seed."""
    spec = REFERENCE_RUNS[name]
    return {**{k: spec[k] for k in _META_KEYS if k in spec}, "seed": run_seed(name)}


def groups() -> dict[str, list[str]]:
    """Named groups of runs: each lesson stem (the runs it shows) and each comparison."""
    out: dict[str, list[str]] = {}
    for name, spec in REFERENCE_RUNS.items():
        out.setdefault(spec["lesson"], []).append(name)
        if "comparison" in spec:
            out.setdefault(spec["comparison"], []).append(name)
    return out


def expand(names: list[str]) -> list[str]:
    """Run names and group names -> run names, each once, in the table's order (which puts a run
    before the runs that start from its checkpoint)."""
    table, wanted = groups(), set()
    for n in names:
        if n in REFERENCE_RUNS:
            wanted.add(n)
        elif n in table:
            wanted.update(table[n])
        else:
            raise SystemExit(f"unknown reference run or group {n!r}; runs: {sorted(REFERENCE_RUNS)}; "
                             f"groups: {sorted(table)}")
    return [n for n in REFERENCE_RUNS if n in wanted]


def missing_dependencies(name: str) -> list[str]:
    """The runs listed in `after` whose checkpoint is not in output/reference_runs/ yet (they run first)."""
    return [dep for dep in REFERENCE_RUNS[name].get("after", [])
            if not (ROOT / "output" / "reference_runs" / dep / "latest.pdparams").exists()
            and not (ROOT / "output" / "reference_runs" / dep / "best_accuracy.pdparams").exists()]


def with_dependencies(names: list[str]) -> list[str]:
    """`names` plus the runs they start from that have not run here yet, in the table's order."""
    wanted, todo = set(names), list(names)
    while todo:
        for dep in missing_dependencies(todo.pop()):
            if dep not in wanted:
                wanted.add(dep)
                todo.append(dep)
    return [n for n in REFERENCE_RUNS if n in wanted]


def run_parallel(names: list[str], jobs: int, log_dir: Path) -> int:
    """Run `names` as separate processes (`reference_runs.py NAME`), `jobs` at a time, each after the
    runs it starts from (`after`) have finished. Logs: log_dir/NAME.log. Returns the number that failed."""
    log_dir.mkdir(parents=True, exist_ok=True)
    pending, running, done, failed = list(names), {}, set(), []
    while pending or running:
        for name in list(pending):
            deps = [d for d in REFERENCE_RUNS[name].get("after", []) if d in names]
            if any(d in failed for d in deps):
                pending.remove(name)
                failed.append(name)
                print(f"{name}: skipped, a run it starts from failed", flush=True)
            elif len(running) < jobs and all(d in done for d in deps):
                pending.remove(name)
                log = open(log_dir / f"{name}.log", "w")
                running[name] = (subprocess.Popen([sys.executable, __file__, name], cwd=ROOT, stdout=log,
                                                  stderr=subprocess.STDOUT), log)
                print(f"{time.strftime('%H:%M:%S')} started {name} (log: {log_dir / (name + '.log')})", flush=True)
        time.sleep(2)
        for name, (proc, log) in list(running.items()):
            if proc.poll() is not None:
                log.close()
                del running[name]
                (done.add(name) if proc.returncode == 0 else failed.append(name))
                print(f"{time.strftime('%H:%M:%S')} {'finished' if proc.returncode == 0 else 'FAILED'} {name}", flush=True)
    return len(failed)


def update_meta(name: str, out_root: Path = OUT) -> bool:
    """Write the table's keys (run_keys) into an existing meta.json without re-running; False if absent."""
    path = out_root / name / "meta.json"
    if not path.exists():
        return False
    meta = json.loads(path.read_text(encoding="utf-8"))
    meta.update(run_keys(name))
    path.write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return True


def _children_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(name: str, out_root: Path = OUT) -> dict:
    """Train reference run `name`, time it, write history.csv + meta.json; returns the meta dict."""
    if name not in REFERENCE_RUNS:
        raise SystemExit(f"unknown reference run {name!r}; available: {sorted(REFERENCE_RUNS)}")
    save_dir = f"./output/reference_runs/{name}"
    cmd = command_for(name, save_dir)
    info = machine()
    commit = _git("rev-parse", "HEAD")
    dirty = bool(_git("status", "--porcelain", "--untracked-files=no"))
    before = [[sys.executable, "-m", "ocrcourse.cli", *map(resolve_override, c)]
              for c in REFERENCE_RUNS[name].get("before", [])]
    print("running:", shlex.join(cmd), flush=True)
    start, cpu0 = time.perf_counter(), _children_cpu_s()
    prepared = {}
    for step in REFERENCE_RUNS[name].get("prepare", []):
        prepared[step] = PREPARE[step]()
    for c in before:
        subprocess.run(c, cwd=ROOT, check=True)
    initial = initial_metrics(name) if REFERENCE_RUNS[name].get("initial_eval") else None
    subprocess.run(cmd, cwd=ROOT, check=True)
    wall = time.perf_counter() - start
    cpu = _children_cpu_s() - cpu0 + (sum(os.times()[:2]) if prepared else 0.0)   # prepare runs in-process
    if hasattr(os, "getloadavg"):
        info["loadavg_at_end"] = [round(x, 2) for x in os.getloadavg()]
    history = pd.read_csv(ROOT / save_dir / "history.csv")
    final, best = eval_metrics(history)
    out = out_root / name
    out.mkdir(parents=True, exist_ok=True)
    history.to_csv(out / "history.csv", index=False)
    shown = ["python", "-m", "ocrcourse.cli", *command_for(name, save_dir, resolve=False)[3:]]
    meta = {"name": name, **run_keys(name), "command": shlex.join(shown),
            "config": REFERENCE_RUNS[name]["config"], "overrides": REFERENCE_RUNS[name]["overrides"],
            **({"before": [shlex.join(["python", "-m", "ocrcourse.cli", *c])
                           for c in REFERENCE_RUNS[name]["before"]]} if "before" in REFERENCE_RUNS[name] else {}),
            **({"protocol": protocol(name)} if protocol(name) else {}),
            "commit": commit, "tree_had_local_changes": dirty, "machine": info,
            **({"prepare": REFERENCE_RUNS[name]["prepare"]} if prepared else {}),
            "wall_time_s": round(wall, 1), "cpu_time_s": round(cpu, 1),
            "steps": int(history["step"].iloc[-1]) if len(history) else 0,
            "data": data_stamp(REFERENCE_RUNS[name]["config"]),
            **({"initial_metrics": initial} if initial is not None else {}),
            "final_metrics": final, "best_metrics": best}
    (out / "meta.json").write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{name}: {meta['steps']} steps in {wall:.0f} s; final {final}", flush=True)
    if REFERENCE_RUNS[name].get("end_eval"):
        meta["end_metrics"] = end_metrics(name, out_root)
    if REFERENCE_RUNS[name].get("predictions"):
        save_predictions(name, out_root)
    return meta


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("names", nargs="*", help="reference runs or groups (a lesson stem, a comparison) to reproduce")
    p.add_argument("--all", action="store_true", help="every reference run, in the table's order")
    p.add_argument("--list", action="store_true", help="list the reference runs, their commands and the groups")
    p.add_argument("--update-meta", action="store_true",
                   help="write the table's keys (lesson, from_scratch, start, comparison, arm, seed) into the "
                        "existing meta.json of the named runs (all with --all) without re-running them")
    p.add_argument("--total-time", action="store_true",
                   help="print the summed wall and CPU time of the committed reference runs")
    p.add_argument("--report", action="store_true",
                   help=f"write {REPORT.relative_to(ROOT)} (every comparison's seeds, means, ranges and verdicts, "
                        "and the total time of the runs) from the committed metas, and print it")
    p.add_argument("--predictions-only", action="store_true",
                   help="only (re)write predictions.tsv (and end_metrics where the table asks) of finished runs "
                        "from their checkpoints")
    p.add_argument("--jobs", type=int, default=1,
                   help="run this many at a time, each as its own process (2 on a 2-core machine: the arms of a "
                        "comparison then run under the same load); logs under build/reference_runs/")
    a = p.parse_args(argv)
    names = list(REFERENCE_RUNS) if a.all else expand(a.names)
    if a.predictions_only:
        for name in names:
            if REFERENCE_RUNS[name].get("end_eval"):
                end_metrics(name)
            save_predictions(name)
        return 0
    if a.update_meta:
        for name in names:
            print(f"{name}: {'updated' if update_meta(name) else 'no meta.json yet'}")
        return 0
    if a.total_time:
        print(json.dumps(total_time(), indent=2))
        return 0
    if a.report:
        text = report()
        REPORT.write_text(text, encoding="utf-8")
        print(text)
        return 0
    if a.list or not names:
        for name, spec in REFERENCE_RUNS.items():
            print(f"{name:28s} lesson {spec['lesson']}: {shlex.join(command_for(name, '...', resolve=False)[1:])}")
        print("groups:", ", ".join(f"{g} ({len(v)})" for g, v in groups().items()))
        return 0
    names = with_dependencies(names)
    if a.jobs > 1:
        return 1 if run_parallel(names, a.jobs, ROOT / "build" / "reference_runs") else 0
    for name in names:
        run(name)
    return 0


def report(out_root: Path = OUT) -> str:
    """The Markdown of REPORT: ocrcourse.comparisons.report over COMPARISONS, then the total time."""
    from ocrcourse.comparisons import report as comparisons_report

    t = total_time(out_root)
    text = comparisons_report(list(COMPARISONS), out_root, command="python data_scripts/reference_runs.py --report")
    return text + (f"\nAll {t['runs']} committed reference runs together: {t['wall_time_s'] / 3600:.1f} h of wall "
                   f"time; {t['cpu_time_s'] / 3600:.1f} h of CPU time over the {t['runs_with_cpu_time']} runs that "
                   f"measured it (the other {t['runs'] - t['runs_with_cpu_time']} ran before CPU time was recorded: "
                   f"{t['wall_time_s_of_runs_without_cpu_time'] / 3600:.1f} h of wall time).\n")


def total_time(out_root: Path = OUT) -> dict:
    """Summed wall_time_s and cpu_time_s over the committed metas (cpu only where it was measured)."""
    metas = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(out_root.glob("*/meta.json"))]
    with_cpu = [m for m in metas if "cpu_time_s" in m]
    return {"runs": len(metas), "wall_time_s": round(sum(m.get("wall_time_s", 0) for m in metas), 1),
            "cpu_time_s": round(sum(m["cpu_time_s"] for m in with_cpu), 1),
            "runs_with_cpu_time": len(with_cpu),
            "wall_time_s_of_runs_without_cpu_time": round(sum(m.get("wall_time_s", 0) for m in metas
                                                              if "cpu_time_s" not in m), 1)}


if __name__ == "__main__":
    sys.exit(main())
