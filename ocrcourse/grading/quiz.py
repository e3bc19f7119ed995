"""The course's strategy quiz: objective questions on PP-OCR's optimisation strategies.

Answers are stored as salted hashes so the package does not simply print them; each question's
explanation is shown under every answer, right (after ✓) or wrong (as the hint after ✗), so the
quiz also teaches. `COVERS` says which strategies of the course map each question asks about.
"""
from __future__ import annotations

import hashlib

from .runner import Case, Failure

__all__ = ["QUESTIONS", "COVERS", "ITEMS", "show_quiz", "answer_hash"]


def answer_hash(qid: str, answer: str) -> str:
    return hashlib.sha256(f"ocrcourse-quiz:{qid}:{answer.strip().lower()}".encode()).hexdigest()[:16]


# qid -> (question, options, hash of the right option, explanation)
QUESTIONS = {
    'q1': ('Which backbone does the PP-OCR mobile detector use?',
           {'a': 'ResNet50_vd', 'b': 'MobileNetV3 large x0.5', 'c': 'MobileNetV3 small x0.35', 'd': 'PP-LCNet'},
           '4bf1351672ae3727',
           "The mobile DB detector uses MobileNetV3 large at scale 0.5 (lesson 02); small x0.35 is the direction classifier's backbone."),
    'q2': ('Why does PP-OCR remove the SE modules from the detection backbone?',
           {'a': 'SE hurts accuracy at every resolution', 'b': 'at large inputs (640-960 px) a global mean per channel brings little accuracy, while SE costs parameters and mobile latency', 'c': 'SE cannot be exported', 'd': 'SE needs a GPU'},
           '657e7b6620594895',
           "One mean per channel says little about a large image; SE holds about half of the x0.5 backbone's parameters (lesson 02 counts them). Its time on a CPU is small; the saving PP-OCR names is for mobile inference."),
    'q3': ('In DB, what does the threshold map learn?',
           {'a': 'the text class', 'b': 'a per-pixel threshold, high near text borders', 'c': 'the reading order', 'd': 'the rotation angle'},
           '966eee470de96bf2',
           'The threshold map is supervised by the border map (0.3 -> 0.7 at the edges); binarisation compares the probability map with it (lesson 04).'),
    'q4': ('With `warmup_epoch: 2`, what learning rate does PaddleOCR use for the very first iteration?',
           {'a': '0', 'b': 'the base learning rate', 'c': 'half the base learning rate', 'd': '1e-6'},
           '0661aa4e4de66f9b',
           'Linear warmup starts at 0: iteration i uses base*i/W, so the first updates, made with a random head, stay small (lesson 05).'),
    'q5': ('What does CML add to DML for the PP-OCRv2 detector?',
           {'a': 'a bigger student', 'b': 'a larger teacher whose dilated, binarised maps supervise both students', 'c': 'a second dataset', 'd': 'a quantised student'},
           '947c2c013abb6851',
           'CML = two students learning from each other (DML) + a teacher distilling into both (lesson 12). PP-OCRv4 keeps CML with a stronger teacher (PPHGNet backbone, PFHead).'),
    'q6': ("What does Enhanced CTC's center loss pull together?",
           {'a': 'features of the same predicted character across samples', 'b': 'images of the same size', 'c': 'the teacher and student logits', 'd': 'neighbouring time steps'},
           '609aede54e4cbec7',
           "Center loss pulls each time step's feature towards its class center, separating look-alike characters (lesson 14)."),
    'q7': ('Which PP-OCRv3 neck gives the detection teacher a large receptive field, and which one does the student use?',
           {'a': 'DBFPN for both', 'b': 'RSE-FPN for the teacher, LK-PAN for the student', 'c': 'LK-PAN (9x9 convolutions) for the teacher, RSE-FPN (residual SE) for the student', 'd': 'SequenceEncoder for both'},
           '9943beb4e964d7f4',
           "LK-PAN uses 9x9 kernels and a PAN path (the teacher's neck); RSE-FPN adds a residual SE to each FPN branch and is the student's neck (lessons 03 and 15)."),
    'q8': ("PP-OCR's first version changed the direction classifier's input from 3x32x100 to 3x48x192. Why?",
           {'a': 'more pixels per character make the direction easier to tell, at a small cost in time', 'b': 'Paddle needs multiples of 48', 'c': "to match the detector's input", 'd': 'it is required by PACT'},
           'aeca90f320fc44ff',
           'A larger input keeps characters legible and raises accuracy; the classifier stays tiny. In lesson 08 the official 48x192 weights drop from 0.98 to 0.58 at 32x100 — but both fine-tuned arms start from 48x192 weights, so that gap overstates what resolution alone buys; trained from scratch, 48x192 ends above 32x100 on every seed, by about 0.05 at 1000 steps.'),
    'q9': ("PP-OCR's light detection head is an FPN with fewer inner channels. How many does the mobile DB detector use?",
           {'a': '256', 'b': '96', 'c': '16', 'd': '1024'},
           'dd230303d4e4a05d',
           "DBFPN's inner (and output) width drops from 256 to 96: the neck and head convolutions run at the largest resolution, so their width dominates the detector's time (lesson 03)."),
    'q10': ('What does cosine learning-rate decay do over training?',
           {'a': 'it raises the rate at every epoch', 'b': 'it lowers the rate smoothly from the base value towards 0 along half a cosine', 'c': 'it divides the rate by 10 at fixed epochs', 'd': 'it keeps the rate constant'},
           '0f66c05ede894f1c',
           'lr(t) = base/2 * (1 + cos(pi t / T)): high long enough to explore, then small steps at the end. PP-OCR uses it (with warmup) for both the detector and the recogniser; piecewise decay is the step alternative (lesson 05).'),
    'q11': ('What does the FPGM pruner remove from the detector?',
           {'a': "whole convolution filters closest to their layer's geometric median (the most replaceable ones)", 'b': 'the smallest individual weights, one by one', 'c': 'entire stages of the backbone', 'd': 'the threshold branch of the DB head'},
           '04a06e8128ea0d4b',
           'FPGM prunes filters, not single weights, so the pruned model is a smaller dense network that runs faster; a filter near the geometric median is the one the others can best replace (lesson 07).'),
    'q12': ("Which backbones do PP-OCR's direction classifier and recogniser use?",
           {'a': 'ResNet18_vd for both', 'b': 'MobileNetV3 large x0.5 for both', 'c': 'MobileNetV3 small x0.35 for the classifier, MobileNetV3 small x0.5 for the recogniser', 'd': 'PP-LCNet for both'},
           '2fca6263b94ecba8',
           "The classifier's two-way decision needs very little (x0.35, about 0.13 M parameters: lesson 08); the v1 recogniser uses MobileNetV3 small x0.5 with (2, 1) strides (lesson 09). PP-LCNet came with PP-OCRv2's recogniser."),
    'q13': ('The direction classifier trains with BDA and RandAugment. Which operation must its augmentation never include?',
           {'a': 'blur', 'b': 'a 180-degree rotation or a flip', 'c': 'colour jitter', 'd': 'a small crop'},
           '483f7d0232234bcd',
           "The label is the text's direction: a rotation by 180 degrees (or a flip) would turn a correct label into a wrong one. None of BDA's or RandAugment's ops in the classifier's config flips the image (lesson 06)."),
    'q14': ('PACT clips activations at a learned alpha before 8-bit quantisation. Why does PP-OCR clip to [-alpha, alpha] instead of [0, alpha]?',
           {'a': 'hard-swish outputs go down to -0.375, and clipping at 0 would erase them', 'b': 'negative values quantise faster', 'c': 'PACT needs symmetric weights', 'd': 'to halve the model size'},
           '77b5178f30c1f6b3',
           "PP-OCR's MobileNetV3 uses hard-swish; about a quarter of a real stem's activations are negative (lesson 08). PP-OCR applies PACT to both the classifier and the recogniser; the course shows the clipping function, not a quantised training run."),
    'q15': ('What makes TIA a safe augmentation for text recognition?',
           {'a': 'it changes the label to match the image', 'b': "it moves control points on the line's edges and warps the strokes, while the characters and their order stay", 'c': 'it only changes colours', 'd': 'it crops characters off the ends'},
           '9c6c8851cd4cb0a8',
           "TIA distorts, stretches and changes perspective through control points; the label stays valid. PP-OCR's recognisers use it together with BDA (lesson 06, which also measures it: on a short from-scratch run it slows learning)."),
    'q16': ("Why do PP-OCR's recognition backbones use strides of (2, 1) in their later stages?",
           {'a': 'to save memory', 'b': 'to halve the height but keep the width, so that enough feature columns (CTC time steps) remain along the line', 'c': 'because Paddle cannot stride width', 'd': 'to make the output square'},
           '5ea8fdcc44f30acd',
           'A 32x320 line ends as 80 columns (lesson 10): each column is one CTC time step and a line needs at least one per character, plus blanks between repeats. Stride 2 in both directions would leave too few.'),
    'q17': ("PP-OCR's L2 decay factors are tiny (1e-5 to 5e-5). Why do they matter at all?",
           {'a': 'they are applied to the learning rate', 'b': 'they act at every one of hundreds of thousands of iterations, pulling weights towards 0 each time', 'c': 'they only affect BatchNorm', 'd': 'they do not matter; PP-OCR sets them for compatibility'},
           '52607f0592768248',
           "Each step adds factor·w to every weight's gradient: a small pull towards 0, repeated over a long training, shrinks weights a lot. Lesson 05 sweeps the factor on a toy problem: too little overfits, too much fights the signal."),
    'q18': ("What is PP-OCR's 'light head' strategy for the recogniser?",
           {'a': 'a 48-d sequence feature before the final FC, so the large FC to thousands of characters stays small', 'b': 'removing the CTC head', 'c': 'a smaller input image', 'd': 'an attention decoder'},
           'de3038d11888364c',
           'The FC that maps each time step to 6,000+ characters has (feature width x classes) weights; narrowing the sequence feature shrinks it most (lesson 09).'),
    'q19': ("What does PP-OCR's 'pre-trained model' strategy mean for the recogniser?",
           {'a': 'start from a model trained on a large (mostly synthetic) dataset, then fine-tune on the real data', 'b': 'train the recogniser twice from scratch', 'c': 'use ImageNet weights only', 'd': 'skip training'},
           'bc4c4a7901c7936b',
           'A recogniser trained from scratch on a little data learns slowly; fine-tuning one that already reads converges fast (lessons 13, 14 and 17 start from the official weights).'),
    'q20': ('Where does CopyPaste paste the text it cuts from another training image?',
           {'a': 'over the existing text, to make it harder', 'b': "only in the image's centre", 'c': 'at random positions where it overlaps no existing text box', 'd': 'into a new blank image'},
           '9d2e718e108c817f',
           'Pasted text must not hide labelled text; CopyPaste rotates each crop and tries positions until one overlaps nothing (lesson 06). PP-OCRv2 added it to the detector.'),
    'q21': ('Where does PP-LCNet put its SE modules?',
           {'a': 'in every block', 'b': 'only in the last blocks, where the maps are small and the features abstract', 'c': 'only in the stem', 'd': 'nowhere'},
           '123702c5b6d981d1',
           "PP-LCNet's finding: SE pays off only at the end of the network; MobileNetV1Enhance (PP-OCRv2's recogniser) has SE in its last two blocks only, and 5x5 kernels in the last stage (lesson 10)."),
    'q22': ('In U-DML, what do the two recognition students learn from?',
           {'a': 'a frozen large teacher only', 'b': "the ground truth, each other's outputs, and each other's intermediate features", 'c': 'unlabelled images only', 'd': 'the detector'},
           'e83359e3f734ffdb',
           "U-DML adds a feature-map loss (and, with GTC, an attention-head loss) to DML's mutual output losses; no pre-trained teacher is needed. PP-OCRv3 keeps it with a larger student (lesson 13)."),
    'q23': ("How was PP-OCRv3's detection teacher obtained?",
           {'a': "it is PP-OCRv2's student", 'b': 'two large teachers (ResNet50_vd + LK-PAN) trained together with DML, then used in CML for the student', 'c': 'trained on unlabelled data', 'd': 'downloaded from ImageNet'},
           '3df7a0bf5aafde14',
           'Mutual learning makes a stronger teacher than one model alone; the student (MobileNetV3 + RSE-FPN) then learns from it with CML (lesson 15).'),
    'q24': ("What is SVTR-LCNet, PP-OCRv3's recogniser?",
           {'a': 'a pure transformer', 'b': 'a PP-LCNet backbone followed by an SVTR neck whose global self-attention sees the whole line', 'c': 'a BiLSTM recogniser', 'd': 'a detector'},
           '5541c6bfc036a738',
           "It keeps PP-LCNet's CPU-friendly convolutions and replaces the BiLSTM with two SVTR blocks over 40 columns of a 48x320 line (lesson 10)."),
    'q25': ("In PP-OCRv3's recogniser, what is GTC's attention (SAR) branch used for?",
           {'a': 'it replaces CTC at inference', 'b': "it guides the CTC branch's features during training and is dropped at inference", 'c': 'it detects text', 'd': 'it classifies direction'},
           '605cd51ecdcd954a',
           'Guided training of CTC: the attention head learns from the shared features and improves them; only the CTC head is exported (lessons 10 and 17). PP-OCRv4 uses an NRTR head as this guide instead (GTC-NRTR, lesson 18).'),
    'q26': ('What does TextConAug do?',
           {'a': 'it concatenates text images (and their labels) into one training line, so the model sees new contexts', 'b': 'it rotates lines by 90 degrees', 'c': 'it changes the dictionary', 'd': 'it removes characters'},
           'c856d2be8495392e',
           "Joining lines varies the context around each character, which PP-OCRv3's recogniser benefits from. The course names it but does not build it."),
    'q27': ('PP-OCRv3 pre-trains its recogniser with TextRotNet and adds data with UIM. What are they?',
           {'a': 'two new backbones', 'b': 'TextRotNet learns from unlabelled text images by predicting their rotation; UIM labels unlabelled real images with a high-accuracy model and keeps the confident ones', 'c': 'two losses for the detector', 'd': 'two export formats'},
           '7d7d0d06c11aceed',
           'Both use unlabelled images, which a course cannot ship at the scale they need: the course explains them (lesson 01) without building them.'),
    'q28': ("What is PP-LCNetV3's 'learnable re-parameterisation'?",
           {'a': 'a search for the best architecture', 'b': 'several parallel convolution branches while training, folded into one convolution for inference', 'c': 'learning the dictionary', 'd': 'quantising the weights'},
           '3e6f2153e7ad828f',
           "The branches add capacity while training; since they are linear they can be summed into one kernel, so inference costs what one convolution costs (lesson 18 folds them and checks that the outputs agree). PP-OCRv4's recogniser SVTR_LCNetV3 uses this backbone with a slimmer neck (Lite-Neck)."),
    'q29': ("PP-OCRv4's detector changes two things in how the DB maps are made and predicted. Which two?",
           {'a': "DSR: the shrink ratio grows during training; PFHead: the teacher's head refines its map in parallel branches and fuses them", 'b': 'a bigger input and a new loss', 'c': 'no threshold map and a larger FPN', 'd': 'quantisation and pruning'},
           'edf92a98b41d9271',
           'DSR changes the shrink ratio of the labels with the epoch; PFHead (PFHeadLocal) fuses a coarse and a refined probability map (lesson 18 shows both).'),
    'q30': ('Which PP-OCRv4 recognition strategies does the course explain without building?',
           {'a': 'multi-scale training, data mining and filtering (DF) and DKD distillation', 'b': 'CTC and the dictionary', 'c': 'the SVTR neck', 'd': 'none: all are built'},
           '7d3191939a5bd833',
           'Multi-scale training varies the input size, DF mines and filters training data with a stronger model, DKD is a decoupled knowledge-distillation loss; all need data or compute at a scale the course cannot ship (lesson 18 names them).'),
}

# qid -> the strategies of `ocrcourse.course_map.STRATEGIES` (English names) it asks about; a test checks that
# every strategy of the map is covered by at least one question.
COVERS = {
    'q1': ['light backbone: MobileNetV3 large x0.5'],
    'q2': ['remove SE modules'],
    'q3': [],
    'q4': ['learning-rate warm-up'],
    'q5': ['CML: collaborative mutual learning', 'CML with a PPHGNet + PFHead teacher'],
    'q6': ['Enhanced CTC loss (center loss)'],
    'q7': ['LK-PAN: large-kernel PAN (teacher neck)', 'RSE-FPN: residual SE FPN (student neck)'],
    'q8': ['input resolution'],
    'q9': ['light head: FPN with 96 inner channels'],
    'q10': ['cosine learning-rate decay'],
    'q11': ['FPGM pruner'],
    'q12': ['light backbone: MobileNetV3 small x0.35', 'light backbone: MobileNetV3 small x0.5'],
    'q13': ['data augmentation: BDA + RandAugment'],
    'q14': ['PACT quantization'],
    'q15': ['data augmentation: TIA + BDA'],
    'q16': ['feature map resolution'],
    'q17': ['regularization parameters: L2 decay'],
    'q18': ['light head: 48-d sequence features'],
    'q19': ['pre-trained model'],
    'q20': ['CopyPaste data augmentation'],
    'q21': ['PP-LCNet light CPU backbone'],
    'q22': ['U-DML: unified deep mutual learning', 'U-DML with a larger student (improved)'],
    'q23': ['DML-trained teacher'],
    'q24': ['SVTR-LCNet light recogniser'],
    'q25': ['GTC: attention-guided CTC training', 'GTC-NRTR: attention guidance by NRTR'],
    'q26': ['TextConAug: concatenation augmentation'],
    'q27': ['TextRotNet: self-supervised pre-training', 'UIM: mining unlabelled images'],
    'q28': ['PP-LCNetV3 backbone (learnable re-parameterisation)', 'SVTR_LCNetV3: PP-LCNetV3 recogniser', 'Lite-Neck: slimmer SVTR neck'],
    'q29': ['DSR: dynamic shrink ratio', 'PFHead: parallel-fusion head (teacher)'],
    'q30': ['Multi-Scale training', 'DF: data mining and filtering', 'DKD distillation'],
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
        return f"right. {why}"
    return Case(f"{qid}: {text}", run)


ITEMS = {"quiz.strategies": ("PP-OCR strategy quiz", [_question_case(q) for q in QUESTIONS])}
