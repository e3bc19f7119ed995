"""`ocrcourse check-data`: one tiny fixture per problem, made here; each is found and explained,
and a clean synthetic set passes with no finding (exit 0) and is left untouched."""
from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

from ocrcourse.check_data import OFFICIAL_RECIPES, check_data, check_lr, format_report
from ocrcourse.cli import main
from ocrcourse.config import load_config

ROOT = Path(__file__).resolve().parents[2]
DET = ROOT / "configs/det/ch_PP-OCRv3/ch_PP-OCRv3_det_student_quick.yml"
REC = ROOT / "configs/rec/PP-OCRv3/ch_PP-OCRv3_rec_quick.yml"
CHARS = "abcdefghijklmnopqrstuvwxyz0123456789"
OWN_LR = "Optimizer.lr.learning_rate=0.0002"      # a learner's own LR: the LR rule stays quiet


def _image(path: Path, h: int = 320, w: int = 320, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    img = np.full((h, w, 3), 255, np.uint8)
    img[rng.integers(0, h, 40), rng.integers(0, w, 40)] = 0       # distinct bytes per seed
    cv2.imwrite(str(path), img)


def _box(x: int, y: int, w: int = 120, h: int = 30, text: str = "abc") -> dict:
    return {"transcription": text, "points": [[x, y], [x + w, y], [x + w, y + h], [x, y + h]]}


def make_det(root: Path, train=None, evaluation=None) -> list[str]:
    """A clean det set (4 train, 2 eval images of 320 x 320); `train` / `eval` replace label lines."""
    (root / "img").mkdir(parents=True, exist_ok=True)
    lines = {}
    for split, n, extra in (("train", 4, train), ("eval", 2, evaluation)):
        rows = []
        for i in range(n):
            name = f"img/{split}_{i}.png"
            _image(root / name, seed=(0 if split == "train" else 50) + i)
            rows.append(f"{name}\t{json.dumps([_box(20, 30), _box(40, 150, text='x1')])}")
        rows += extra or []
        lines[split] = rows
        (root / f"{split}.txt").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return [f"Train.dataset.data_dir={root}/", f"Train.dataset.label_file_list=[{root}/train.txt]",
            f"Eval.dataset.data_dir={root}/", f"Eval.dataset.label_file_list=[{root}/eval.txt]", OWN_LR]


def make_rec(root: Path, train=None, evaluation=None, dict_chars: str = CHARS) -> list[str]:
    """A clean rec set (6 train, 2 eval crops) with its own dictionary."""
    (root / "crops").mkdir(parents=True, exist_ok=True)
    (root / "dict.txt").write_text("\n".join(dict_chars) + "\n", encoding="utf-8")
    for split, n, extra in (("train", 6, train), ("eval", 2, evaluation)):
        rows = []
        for i in range(n):
            name = f"crops/{split}_{i}.png"
            _image(root / name, 32, 100, seed=(100 if split == "train" else 150) + i)
            rows.append(f"{name}\tword{i} {i}")
        rows += extra or []
        (root / f"{split}.txt").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return [f"Train.dataset.data_dir={root}/", f"Train.dataset.label_file_list=[{root}/train.txt]",
            f"Eval.dataset.data_dir={root}/", f"Eval.dataset.label_file_list=[{root}/eval.txt]",
            f"Global.character_dict_path={root}/dict.txt", OWN_LR]


def run(config: Path, overrides: list[str], **kw):
    kw.setdefault("cpu_count", 2)
    kw.setdefault("shm_free", None)
    report = check_data(load_config(config, overrides), config_path=config, cards=1, **kw)
    text = format_report(report)
    return {f.check: f for f in report.findings}, text


def _digest(root: Path) -> dict:
    return {p: hashlib.md5(p.read_bytes()).hexdigest() for p in sorted(root.rglob("*")) if p.is_file()}


def test_clean_sets_pass_and_are_not_modified(tmp_path, capsys):
    det = make_det(tmp_path / "det")
    rec = make_rec(tmp_path / "rec")
    before = _digest(tmp_path)
    assert run(DET, det)[0] == {} and run(REC, rec)[0] == {}
    opts = ["--cards", "1", "--skip", "loader_workers", "--skip", "shared_memory"]
    assert main(["check-data", "-c", str(DET), "-o", *det, *opts]) == 0
    out = capsys.readouterr().out
    assert "no problem found" in out and "Train: det | 4 lines" in out
    assert main(["check-data", "-c", str(REC), "-o", *rec, *opts]) == 0
    assert _digest(tmp_path) == before                         # nothing written, nothing changed


def test_spaces_instead_of_tab(tmp_path, capsys):
    rec = make_rec(tmp_path, train=["crops/train_0.png word0"])
    found, text = run(REC, rec)
    assert set(found) == {"separator"}
    assert found["separator"].examples == [f"{tmp_path}/train.txt:7"]
    assert "sed -E -i" in found["separator"].fix and "train.txt" in found["separator"].fix
    assert main(["check-data", "-c", str(REC), "-o", *rec, "--cards", "1", "--skip", "shared_memory",
                 "--skip", "loader_workers"]) == 1
    assert "FIX    separator" in capsys.readouterr().out
    fix = found["separator"].fix.split(": ", 1)[1]             # the printed command, run as printed
    if sys.platform.startswith("linux"):
        subprocess.run(fix, shell=True, check=True)
        assert run(REC, rec)[0] == {}
        assert (tmp_path / "train.txt").read_text().splitlines()[:2] == ["crops/train_0.png\tword0 0",
                                                                         "crops/train_1.png\tword1 1"]


def test_image_path_without_label_is_a_format_finding(tmp_path):
    found, _ = run(REC, make_rec(tmp_path, train=["crops/train_0.png"]))
    assert set(found) == {"label_format"} and "a tab between" in found["label_format"].examples[0]


def test_newline_inside_a_text(tmp_path):
    found, _ = run(REC, make_rec(tmp_path / "rec", train=["crops/train_0.png\tfirst part", "second part"]))
    assert set(found) == {"newline_in_text"} and found["newline_in_text"].examples == [f"{tmp_path}/rec/train.txt:8"]
    det_line = f"img/train_0.png\t{json.dumps([_box(20, 30, text='two' + chr(10) + 'lines')])}"
    found, _ = run(DET, make_det(tmp_path / "det", train=[det_line]))
    assert set(found) == {"newline_in_text"} and "PPOCRLabel" in found["newline_in_text"].fix


def test_malformed_det_label(tmp_path):
    found, text = run(DET, make_det(tmp_path, train=['img/train_0.png\t[{"points": [[1, 2]]}]']))
    assert set(found) == {"label_format"} and found["label_format"].count == 1
    assert "transcription" in found["label_format"].examples[0]


def test_det_and_rec_label_files_swapped(tmp_path):
    rec_root = tmp_path / "rec"
    make_rec(rec_root)
    det = make_det(tmp_path / "det") + [f"Train.dataset.label_file_list=[{rec_root}/train.txt]"]
    found, _ = run(DET, det)
    assert "swapped_labels" in found and "label_format" not in found
    assert "rec (image<TAB>text)" in found["swapped_labels"].problem
    assert "/det/train.txt" in found["swapped_labels"].fix          # the rec -> det path guessed
    rec = make_rec(rec_root) + [f"Train.dataset.label_file_list=[{tmp_path}/det/train.txt]"]
    found, _ = run(REC, rec)
    assert "swapped_labels" in found and "missing_chars" not in found and "text_length" not in found


def test_characters_missing_from_the_dictionary(tmp_path):
    found, _ = run(REC, make_rec(tmp_path, train=["crops/train_0.png\tcafé"]))
    assert set(found) == {"missing_chars"}
    f = found["missing_chars"]
    assert "'é'" in f.problem and f.examples == [f"{tmp_path}/train.txt:7 ('é')"] and "dict.txt" in f.fix


def test_space_missing_from_the_dictionary(tmp_path):
    found, _ = run(REC, make_rec(tmp_path) + ["Global.use_space_char=false"])
    assert set(found) == {"space_char"} and found["space_char"].count == 8
    assert found["space_char"].fix == "-o Global.use_space_char=true"


def test_text_longer_than_max_text_length(tmp_path):
    found, _ = run(REC, make_rec(tmp_path, evaluation=["crops/eval_0.png\t" + "a" * 30]))
    f = found["text_length"]
    assert set(found) == {"text_length"} and f.examples == [f"{tmp_path}/eval.txt:3 (30 chars)"]
    assert "Global.max_text_length=32" in f.fix      # SAR (MultiLabelEncode) keeps len <= max - 2


def test_unreadable_images(tmp_path):
    (tmp_path / "img").mkdir()
    (tmp_path / "img/broken.png").write_bytes(b"not an image")
    lines = [f"img/missing.png\t{json.dumps([_box(20, 30)])}", f"img/broken.png\t{json.dumps([_box(20, 30)])}"]
    found, _ = run(DET, make_det(tmp_path, train=lines))
    assert set(found) == {"unreadable_images"} and found["unreadable_images"].count == 2
    assert "1 missing, 1 not decodable" in found["unreadable_images"].problem


def test_duplicate_images_across_train_and_eval(tmp_path):
    det = make_det(tmp_path)
    (tmp_path / "img/copy.png").write_bytes((tmp_path / "img/train_2.png").read_bytes())
    (tmp_path / "eval.txt").write_text((tmp_path / "eval.txt").read_text()
                                      + f"img/copy.png\t{json.dumps([_box(20, 30)])}\n")
    found, _ = run(DET, det)
    assert set(found) == {"duplicates"}
    assert found["duplicates"].examples == [f"{tmp_path}/eval.txt:3 = {tmp_path}/train.txt:3"]


def test_images_far_from_limit_side_len(tmp_path):
    det = make_det(tmp_path)
    _image(tmp_path / "img/big.png", 1400, 2000)
    _image(tmp_path / "img/small.png", 60, 70)
    (tmp_path / "train.txt").write_text((tmp_path / "train.txt").read_text()
                                       + f"img/big.png\t{json.dumps([_box(100, 100, 600, 120)])}\n"
                                       + f"img/small.png\t{json.dumps([_box(5, 5, 50, 20)])}\n")
    report = check_data(load_config(DET, det), config_path=DET, cards=1, cpu_count=2, shm_free=None)
    sizes = [f for f in report.findings if f.check == "image_size"]
    assert [f.count for f in sizes] == [1, 1] and {f.check for f in report.findings} == {"image_size"}
    assert "2000 px" in sizes[0].examples[0] and "limit_side_len 320 (max)" in sizes[0].problem
    assert "Eval.dataset.transforms.2.DetResizeForTest.limit_side_len=640" in sizes[0].fix
    assert "70 px" in sizes[1].examples[0]


def test_polygons_outside_the_image(tmp_path):
    found, _ = run(DET, make_det(tmp_path, train=[f"img/train_0.png\t{json.dumps([_box(250, 30)])}"]))
    assert set(found) == {"polygons_outside"} and "image 320x320" in found["polygons_outside"].examples[0]


def test_boxes_that_vanish_in_make_shrink_map(tmp_path):
    tiny = [f"img/train_{i}.png\t{json.dumps([_box(20, 30 + 20 * k, 60, 5) for k in range(4)])}" for i in range(4)]
    found, _ = run(DET, make_det(tmp_path, train=tiny))
    f = found["tiny_boxes"]
    assert set(found) == {"tiny_boxes"} and f.count == 16 and "min_text_size 8" in f.problem
    assert "Train.dataset.transforms.5.MakeShrinkMap.min_text_size=4" in f.fix


def test_high_share_of_ignored_boxes(tmp_path):
    hidden = [f"img/train_{i}.png\t{json.dumps([_box(20, 30 + 40 * k, text='###') for k in range(5)])}"
              for i in range(4)]
    found, _ = run(DET, make_det(tmp_path, train=hidden))
    assert set(found) == {"ignore_share"} and "20 of 28 boxes" in found["ignore_share"].problem


def test_loader_workers_and_shared_memory(tmp_path):
    det = make_det(tmp_path) + ["Train.loader.num_workers=8"]
    found, _ = run(DET, det, cpu_count=2, shm_free=64 * 2**20)
    assert set(found) == {"loader_workers", "shared_memory"}
    assert found["loader_workers"].fix == "-o Train.loader.num_workers=2"
    assert "use_shared_memory=False" in found["shared_memory"].fix
    det += ["Train.loader.use_shared_memory=false", "Train.loader.num_workers=2"]
    assert run(DET, det, cpu_count=2, shm_free=64 * 2**20)[0] == {}


def test_lr_tuned_for_more_cards(tmp_path):
    det = [o for o in make_det(tmp_path) if o != OWN_LR]        # the recipe's LR, batch 4 on 1 card
    found, _ = run(DET, det)
    f = found["lr_for_cards"]
    assert set(found) == {"lr_for_cards"} and "8 cards x 8 = 64" in f.problem and "1 card(s) x 4 = 4" in f.problem
    suggested = float(f.fix.split("learning_rate=")[1].split()[0])
    assert suggested == pytest.approx(0.001 * 4 / 64, rel=0.05)       # PaddleOCR's linear rule
    # 8 cards x 8: what the recipe was tuned for, nothing to report
    cfg = load_config(DET, det + ["Train.loader.batch_size_per_card=8"])
    assert check_lr(cfg, DET, cards=8) is None
    # no named origin, but distributed: true on one card
    own = tmp_path / "mine.yml"
    own.write_text(DET.read_text().replace("Official recipe", "Copied from").replace(
        "  seed: 0\n", "  seed: 0\n  distributed: true\n"))
    f = check_lr(load_config(own, det), own, cards=1)
    assert "Global.distributed is true" in f.problem and "Global.distributed=false" in f.fix
    # Piecewise values are scaled together
    cfg = load_config(ROOT / "configs/rec/ch_PP-OCRv2/ch_PP-OCRv2_rec_quick.yml")
    f = check_lr(cfg, ROOT / "configs/rec/ch_PP-OCRv2/ch_PP-OCRv2_rec_quick.yml", cards=1)
    assert f.fix.startswith("-o Optimizer.lr.values=[1.6e-05,1.6e-06]")   # 16 of 1024 images per step


@pytest.mark.parametrize("origin", sorted(OFFICIAL_RECIPES))
def test_official_recipes_match_the_full_configs(origin):
    """The table's LR and batch are those of the course's full configs (the official recipes)."""
    cfg = load_config(ROOT / origin)
    lr = cfg["Optimizer"]["lr"]
    assert OFFICIAL_RECIPES[origin] == (float(lr.get("learning_rate", (lr.get("values") or [0])[0])),
                                        cfg["Train"]["loader"]["batch_size_per_card"])


def test_ppocrlabel_export_with_fewer_crops_than_labels(tmp_path, capsys):
    folder = tmp_path / "photos"
    (folder / "crop_img").mkdir(parents=True)
    regions = [_box(20, 30), _box(20, 80, text="def"), _box(20, 130, text="###")]
    (folder / "Label.txt").write_text(f"photos/a.jpg\t{json.dumps(regions)}\n", encoding="utf-8")
    _image(folder / "crop_img/a_crop_0.jpg", 32, 100)
    (folder / "rec_gt.txt").write_text("crop_img/a_crop_0.jpg\tabc\n", encoding="utf-8")
    assert main(["check-data", "--ppocrlabel", str(folder)]) == 1
    out = capsys.readouterr().out
    assert "ppocrlabel_crops" in out and "(1 crops for 2 boxes)" in out
    _image(folder / "crop_img/a_crop_1.jpg", 32, 100, seed=1)
    (folder / "rec_gt.txt").write_text("crop_img/a_crop_0.jpg\tabc\ncrop_img/a_crop_1.jpg\tdef\n", encoding="utf-8")
    assert main(["check-data", "--ppocrlabel", str(folder)]) == 0
    capsys.readouterr()
    (folder / "rec_gt.txt").write_text("crop_img/a_crop_0.jpg\tab\nc\ncrop_img/a_crop_1.jpg\tdef\n", encoding="utf-8")
    assert main(["check-data", "--ppocrlabel", str(folder)]) == 1       # "ab<Enter>c" typed in PPOCRLabel
    out = capsys.readouterr().out
    assert "newline_in_text" in out and "rec_gt.txt:2" in out and "label_format" not in out


def test_no_config_and_no_folder_is_an_error(capsys):
    assert main(["check-data"]) == 1 and "-c CONFIG" in capsys.readouterr().err


def test_direction_labels_not_in_label_list(tmp_path):
    rec = make_rec(tmp_path)
    for split in ("train", "eval"):
        rows = [line.split("\t")[0] + "\t" + ("0" if i % 2 else "180")
                for i, line in enumerate((tmp_path / f"{split}.txt").read_text().splitlines())]
        (tmp_path / f"{split}.txt").write_text("\n".join(rows + (["crops/train_0.png\t90"] if split == "train" else []))
                                               + "\n")
    cls = [o for o in rec if not o.startswith("Global.character_dict_path")]
    found, _ = run(ROOT / "configs/cls/cls_mv3_quick.yml", cls)
    assert set(found) == {"cls_labels"} and found["cls_labels"].examples == [f"{tmp_path}/train.txt:7"]


def test_a_line_naming_several_images_has_each_one_checked(tmp_path):
    found, _ = run(REC, make_rec(tmp_path, train=['["crops/train_0.png", "crops/gone.png"]\tword']))
    assert set(found) == {"unreadable_images"} and "crops/gone.png" in found["unreadable_images"].examples[0]


def test_every_finding_names_a_listed_check_and_unknown_skips_are_refused(tmp_path, capsys):
    import ocrcourse.data.checks as checks_module
    from ocrcourse.check_data import CHECK_NAMES

    source = Path(checks_module.__file__).read_text() + (ROOT / "ocrcourse/check_data.py").read_text()
    named = set(re.findall(r'Finding\("([a-z_]+)"', source))
    assert named == set(CHECK_NAMES)
    assert main(["check-data", "-c", str(DET), "--skip", "separatr"]) == 1
    assert "separator" in capsys.readouterr().err


def test_a_byte_order_mark_before_the_first_path_is_named(tmp_path):
    rec = make_rec(tmp_path)
    text = (tmp_path / "train.txt").read_text(encoding="utf-8")
    (tmp_path / "train.txt").write_text("\ufeff" + text, encoding="utf-8")       # Notepad's "UTF-8"
    found, _ = run(REC, rec)
    assert set(found) == {"unreadable_images"} and "without BOM" in found["unreadable_images"].fix
    assert found["unreadable_images"].examples[0].startswith(f"{tmp_path}/train.txt:1 (")
