"""What a learner on a GPU should see in full mode: published training speeds and official metrics.

Every figure here is **taken from a public PaddleOCR source** (the URL is next to it), never measured
by this course: no machine that built the course has Paddle's GPU build. They let a learner tell
whether a full-mode run is on track — roughly how long 1,000 steps take on one GPU, and what the
official recipe reaches on its own (much larger) data, which our synthetic or ICDAR2015 runs will
not match exactly.

Published training speeds are scarce: PaddleOCR's docs give throughput (`ips`, samples per second)
only in a benchmark example and in training logs quoted in pull requests and issues, and the GPU is
not always named. Minutes per 1,000 steps are computed here from those figures as
1000 × batch / ips / 60 and inherit every caveat of the source (GPU, data loader, Paddle version).

    from ocrcourse.gpu_expectations import show_expectations
    show_expectations("15")      # the table for lesson 15
"""
from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Speed", "Metric", "SPEEDS", "METRICS", "LESSONS", "minutes_per_1000_steps", "expectations",
           "show_expectations"]

PADDLEOCR = "https://github.com/PaddlePaddle/PaddleOCR"
V3_INTRO = f"{PADDLEOCR}/blob/release/2.7/doc/doc_en/PP-OCRv3_introduction_en.md"
DB_DOC = f"{PADDLEOCR}/blob/release/2.7/doc/doc_en/algorithm_det_db_en.md"


@dataclass(frozen=True)
class Speed:
    """A published training throughput: `ips` samples/s at `batch` per card on one card."""
    what: str
    config: str
    batch: int
    ips: float
    gpu: str          # as the source names it ("not named" when it does not)
    source: str       # URL
    note: str = ""


@dataclass(frozen=True)
class Metric:
    """A metric an official PaddleOCR model or recipe reaches, as its documentation reports it."""
    model: str
    metric: str
    value: float      # a fraction: 0.854 for 85.4 %
    data: str
    source: str       # URL


SPEEDS = {
    "det_mv3_db": Speed("DB, MobileNetV3 (PP-OCR v2.0 det)", "det_mv3_db_v2_0 (TIPC)", 8, 19.333, "not named (1 card)",
                        f"{PADDLEOCR}/blob/main/test_tipc/docs/benchmark_train.md",
                        "the example result of PaddleOCR's training benchmark script, fp32"),
    "v3_det_student": Speed("PP-OCRv3 det student, fine-tuning", "PP-OCRv3 det (a user's fine-tuning log)", 8, 15.5,
                            "not named (1 card)", f"{PADDLEOCR}/issues/13159",
                            "log lines show 15.3-17.5 samples/s and max_mem_allocated 5.3 GB"),
    "v2_rec": Speed("PP-OCRv2 rec (CRNN + U-DML distillation)", "ch_PP-OCRv2_rec.yml", 128, 330.0, "not named",
                    f"{PADDLEOCR}/pull/5396",
                    "after that PR's logging and metric-interval fixes (255 before); batch from the config"),
    "cls_mv3": Speed("direction classifier, MobileNetV3", "a 2-class classifier log, 512 samples per step", 512, 198.0, "not named",
                     f"{PADDLEOCR}/pull/1181",
                     "reader-bound in that log: 2.3 s of each 2.6 s step is data loading"),
}

METRICS = {
    "db_mv3_icdar15": Metric("DB, MobileNetV3", "hmean", 0.7512, "ICDAR2015 test", DB_DOC),
    "db_r50_icdar15": Metric("DB, ResNet50_vd", "hmean", 0.8238, "ICDAR2015 test", DB_DOC),
    "v3_det_teacher": Metric("PP-OCRv3 det teacher (DB-R50-LK-PAN-DML)", "hmean", 0.860, "PaddleOCR's Chinese det set", V3_INTRO),
    "v3_det_student": Metric("PP-OCRv3 det student (DB-MV3-RSE-FPN-CML)", "hmean", 0.854, "PaddleOCR's Chinese det set", V3_INTRO),
    "v2_det_student": Metric("PP-OCRv2 det student (baseline of PP-OCRv3)", "hmean", 0.832, "PaddleOCR's Chinese det set", V3_INTRO),
    "v2_rec": Metric("PP-OCRv2 rec (with distillation)", "acc", 0.748, "PaddleOCR's Chinese rec set", V3_INTRO),
    "v2_rec_baseline": Metric("PP-OCRv2 rec without distillation", "acc", 0.693, "PaddleOCR's Chinese rec set", V3_INTRO),
    "svtr_lcnet_h48": Metric("SVTR_LCNet, 48-pixel input, no distillation", "acc", 0.7398, "PaddleOCR's Chinese rec set", V3_INTRO),
    "v3_rec": Metric("PP-OCRv3 rec (SVTR_LCNet + GTC, TextConAug, TextRotNet, U-DML, UIM)", "acc", 0.794,
                     "PaddleOCR's Chinese rec set", V3_INTRO),
    "v3_system": Metric("PP-OCRv3 system, end to end (det + rec)", "hmean", 0.629, "PaddleOCR's Chinese e2e set", V3_INTRO),
}

# lesson -> (speed keys, metric keys); a lesson with no published speed lists none
LESSONS = {
    "07": (["det_mv3_db"], ["db_mv3_icdar15", "db_r50_icdar15"]),
    "08": (["cls_mv3"], []),
    "09": ([], []),
    "10": ([], ["svtr_lcnet_h48", "v3_rec"]),
    "11": (["v2_rec"], ["v2_rec_baseline", "v2_rec"]),
    "12": ([], ["v2_det_student"]),
    "13": (["v2_rec"], ["v2_rec_baseline", "v2_rec"]),
    "14": (["v2_rec"], ["v2_rec"]),
    "15": (["v3_det_student"], ["v3_det_teacher", "v3_det_student"]),
    "16": (["v3_det_student"], ["v3_det_student", "v3_rec", "v3_system"]),
}


def minutes_per_1000_steps(speed: Speed) -> float:
    """1000 steps × batch samples at `speed.ips` samples per second, in minutes."""
    return 1000 * speed.batch / speed.ips / 60


def expectations(lesson: str):
    """Two DataFrames for `lesson` ("15"): published speeds (with minutes per 1,000 steps) and metrics."""
    import pandas as pd

    speed_keys, metric_keys = LESSONS[str(lesson).zfill(2)]
    speeds = pd.DataFrame([{"run": s.what, "config": s.config, "batch": s.batch, "samples/s": s.ips,
                            "min per 1,000 steps": round(minutes_per_1000_steps(s), 1), "GPU": s.gpu,
                            "source": s.source, "note": s.note} for s in (SPEEDS[k] for k in speed_keys)])
    metrics = pd.DataFrame([{"model": m.model, "metric": m.metric, "value": m.value, "data": m.data,
                             "source": m.source} for m in (METRICS[k] for k in metric_keys)])
    return speeds, metrics


def show_expectations(lesson: str) -> None:
    """Print what a full-mode run of `lesson` should look like on a GPU, with every figure's source."""
    speeds, metrics = expectations(lesson)
    print(f"Lesson {str(lesson).zfill(2)} on a GPU — figures TAKEN FROM the sources named, not measured by this course.")
    if len(speeds):
        print("\nPublished training speed (one card):")
        for _, r in speeds.iterrows():
            print(f"  {r['run']}: batch {r['batch']}, {r['samples/s']:g} samples/s -> about "
                  f"{r['min per 1,000 steps']:g} min per 1,000 steps (GPU: {r['GPU']})\n"
                  f"    {r['source']}" + (f"\n    note: {r['note']}" if r["note"] else ""))
    else:
        print("\nPublished training speed: none found in PaddleOCR's docs, PRs or issues for this recipe.")
    if len(metrics):
        print("\nWhat the official recipe reaches (on PaddleOCR's data, not ours):")
        for _, r in metrics.iterrows():
            print(f"  {r['model']}: {r['metric']} {r['value']:.1%} ({r['data']})\n    {r['source']}")
