"""The course's strategy quiz: objective questions on PP-OCR's optimisation strategies.

Answers are stored as salted hashes so the package does not simply print them; each question's
explanation is shown once it has been answered (right or wrong), so the quiz also teaches.
"""
from __future__ import annotations

import hashlib

from .runner import Case, Failure

__all__ = ["QUESTIONS", "ITEMS", "show_quiz", "answer_hash"]


def answer_hash(qid: str, answer: str) -> str:
    return hashlib.sha256(f"ocrcourse-quiz:{qid}:{answer.strip().lower()}".encode()).hexdigest()[:16]


# qid -> (question, options, hash of the right option, explanation)
QUESTIONS = {
    "q1": ("Which backbone does the PP-OCR mobile detector use?",
           {"a": "ResNet50_vd", "b": "MobileNetV3 large x0.5", "c": "MobileNetV3 small x0.35", "d": "PP-LCNet"},
           "4bf1351672ae3727", "The mobile DB detector uses MobileNetV3 large at scale 0.5 (lesson 02); small x0.35 "
           "is the direction classifier's backbone."),
    "q2": ("Why does PP-OCR remove the SE modules from the detection backbone?",
           {"a": "SE hurts accuracy at every resolution", "b": "at large inputs (640-960 px) SE adds latency with "
            "little accuracy gain", "c": "SE cannot be exported", "d": "SE needs a GPU"},
           "657e7b6620594895", "Global pooling over a large detection input brings little, while SE costs time: "
           "disable_se trades a tiny accuracy loss for speed (lesson 02)."),
    "q3": ("In DB, what does the threshold map learn?",
           {"a": "the text class", "b": "a per-pixel threshold, high near text borders", "c": "the reading order",
            "d": "the rotation angle"}, "966eee470de96bf2",
           "The threshold map is supervised by the border map (0.3 -> 0.7 at the edges); binarisation compares "
           "the probability map with it (lesson 04)."),
    "q4": ("With `warmup_epoch: 2`, what learning rate does PaddleOCR use for the very first iteration?",
           {"a": "0", "b": "the base learning rate", "c": "half the base learning rate", "d": "1e-6"},
           "0661aa4e4de66f9b", "Linear warmup starts at 0: iteration i uses base·i/W (lesson 05)."),
    "q5": ("What does CML add to DML for the PP-OCRv2 detector?",
           {"a": "a bigger student", "b": "a larger teacher whose dilated, binarised maps supervise both students",
            "c": "a second dataset", "d": "a quantised student"}, "947c2c013abb6851",
           "CML = two students learning from each other (DML) + a teacher distilling into both (lesson 12)."),
    "q6": ("What does Enhanced CTC's center loss pull together?",
           {"a": "features of the same predicted character across samples", "b": "images of the same size",
            "c": "the teacher and student logits", "d": "neighbouring time steps"}, "609aede54e4cbec7",
           "Center loss pulls each time step's feature towards its class center, separating look-alike "
           "characters (lesson 14)."),
    "q7": ("Which PP-OCRv3 neck gives the detection teacher a large receptive field?",
           {"a": "DBFPN", "b": "RSE-FPN", "c": "LK-PAN with 9x9 convolutions", "d": "SequenceEncoder"},
           "9943beb4e964d7f4", "LK-PAN uses 9x9 kernels and a PAN path; RSE-FPN is the student's neck (lesson 15)."),
    "q8": ("Why does the direction classifier use a 48x192 input rather than 32x100 in PP-OCRv2's updates?",
           {"a": "more pixels per character improve accuracy at a small cost", "b": "Paddle needs multiples of 48",
            "c": "to match the detector's input", "d": "it is required by PACT"}, "aeca90f320fc44ff",
           "A larger input keeps characters legible, raising accuracy; the classifier stays tiny (lesson 08)."),
}


def show_quiz() -> None:
    """Print the questions and their options."""
    for qid, (text, opts, _, _) in QUESTIONS.items():
        print(f"{qid}. {text}")
        for key, option in opts.items():
            print(f"     {key}) {option}")


def _question_case(qid):
    text, opts, right, why = QUESTIONS[qid]

    def run(answers):
        if callable(answers):           # the exercise notebook defines `def quiz_answers(): return {...}`
            answers = answers()
        if not isinstance(answers, dict):
            raise Failure('give your answers as a dict, e.g. {"q1": "b", "q2": "a", ...}')
        given = answers.get(qid)
        if given is None:
            raise Failure(f"no answer for {qid}")
        if str(given).strip().lower() not in opts:
            raise Failure(f"{qid}: answer with one of {sorted(opts)}")
        if answer_hash(qid, str(given)) != right:
            raise Failure(f"not quite. {why}")
    return Case(f"{qid}: {text}", run)


ITEMS = {"quiz.strategies": ("PP-OCR strategy quiz", [_question_case(q) for q in QUESTIONS])}
