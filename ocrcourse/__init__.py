"""ocrcourse: learn PP-OCR by building it and running it.

Where is X (two hops at most: the lesson names the file, or the YAML `name:` leads to the
registry dict in that folder's `__init__.py`):

- `config.py`      load_config(path, overrides): PaddleOCR-schema YAML + `-o a.b=c`
- `registry.py`    build(table, cfg, kind): the one name -> class lookup
- `settings.py`    quick/full mode, device choice, seed_everything (`utils.py` re-exports them)
- `models/`        backbones, necks, heads, BaseModel, DistillationModel; build_model, build_from_config
- `losses/`        DB, CTC, cls, center and distillation losses; build_loss
- `data/`          SimpleDataSet, build_dataloader, transforms (TRANSFORMS), synthetic data
- `optim/`         learning-rate schedules and optimisers; build_lr, build_optimizer
- `postprocess/`   DB boxes, CTC decoding, cls labels; build_postprocess
- `metrics/`       DetMetric, RecMetric, ClsMetric, DistillationMetric; build_metric
- `train/`         the training loop, checkpoints, student extraction, center export
- `pipeline/`      PPOCR: det -> crop -> cls -> rec, and export
- `weights/`       official PP-OCR weights, offline, from RapidOCR's ONNX files
- `viz/`           figures: maps, boxes, curves, show_source
- `grading/`       exercise checks with friendly feedback
- `doctor.py`      environment check with exact fixes (`ocrcourse doctor`)
- `check_data.py`  your own data and config checked before training (`ocrcourse check-data`);
                   one function per problem in `data/checks.py`
- `lesson_setup.py` setup_lesson(): every lesson's first call (inline figures, style, quiet Paddle)
- `cli.py`         the `ocrcourse` command
"""
from . import _zlib_first  # noqa: F401  (before anything imports Paddle: see the module)

__version__ = "0.1.0"


def doctor(verbose: bool = True):
    """Check the environment and print the exact fix for each problem (see `diagnose.py`)."""
    from .diagnose import doctor as _doctor

    return _doctor(verbose)


def setup_lesson(cjk_font: bool = True) -> dict:
    """Inline figures, legible style, CJK font and a quiet Paddle for a lesson (see `lesson_setup.py`)."""
    from .lesson_setup import setup_lesson as _setup_lesson

    return _setup_lesson(cjk_font)
