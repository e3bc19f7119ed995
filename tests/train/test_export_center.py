"""export_center: the CTC feature path is the head's own (checked against the model's forward), the
centers are per-class means over correctly recognised samples, for a plain CRNN with
CTCHead(mid_channels, return_feats) and for a DistillationModel whose Student has a MultiHead."""
from __future__ import annotations

import pickle

import numpy as np
import paddle
import pytest

from ocrcourse.losses import CenterLoss
from ocrcourse.models import build_model
from ocrcourse.postprocess.ctc_decode import decode_ctc
from ocrcourse.train.export_center import ctc_features, export_centers

N_CLASSES = 12

CRNN = {"model_type": "rec", "algorithm": "CRNN",
        "Backbone": {"name": "MobileNetV1Enhance", "scale": 0.25},
        "Neck": {"name": "SequenceEncoder", "encoder_type": "rnn", "hidden_size": 8},
        "Head": {"name": "CTCHead", "mid_channels": 6, "fc_decay": 2e-5, "out_channels": N_CLASSES,
                 "return_feats": True}}
MULTI = {"model_type": "rec", "algorithm": "SVTR_LCNet", "return_all_feats": True,
         "Backbone": {"name": "MobileNetV1Enhance", "scale": 0.25, "last_conv_stride": [1, 2],
                      "last_pool_type": "avg"},
         "Head": {"name": "MultiHead", "out_channels_list": {"CTCLabelDecode": N_CLASSES,
                                                             "SARLabelDecode": N_CLASSES + 2},
                  "head_list": [{"CTCHead": {"Neck": {"name": "svtr", "dims": 8, "depth": 1, "hidden_dims": 8,
                                                      "use_guide": True}, "Head": {"fc_decay": 1e-5}}},
                                {"SARHead": {"enc_dim": 16, "max_text_length": 5, "d_k": 16}}]}}


class _Hook:
    def __init__(self, layer):
        self.out = None
        layer.register_forward_post_hook(lambda _layer, _inp, out: setattr(self, "out", out))


def _self_labelled_batches(model, name, images):
    """Labels = the model's own greedy decoding, so every non-empty sample is 'correct';
    one sample gets a wrong label and must be ignored."""
    with paddle.no_grad():
        _, logits = ctc_features(model, images, name)
    labels = np.zeros((len(images), 8), dtype="int64")
    for b, seq in enumerate(logits.numpy().argmax(axis=2)):
        kept, _ = decode_ctc(seq)
        labels[b, :len(kept[:8])] = kept[:8]
    labels[0, 0] = (labels[0, 0] % (N_CLASSES - 1)) + 1 if labels[0].any() else 1     # now wrong
    return [[images[:3], paddle.to_tensor(labels[:3])], [images[3:], paddle.to_tensor(labels[3:])]]


def _expected_centers(feats, logits, labels):
    """Independent reference: group the time steps of correct samples by argmax, average."""
    groups = {}
    best = logits.argmax(axis=2)
    for b in range(len(best)):
        if not np.array_equal(decode_ctc(best[b])[0], decode_ctc(labels[b], remove_duplicate=False)[0]):
            continue
        for t, c in enumerate(best[b]):
            groups.setdefault(int(c), []).append(feats[b, t])
    return {c: np.mean(v, axis=0) for c, v in groups.items()}


@pytest.mark.parametrize("arch", ["plain", "distillation"])
def test_centers_from_the_ctc_feature_path(arch, tmp_path):
    paddle.seed(0)
    if arch == "plain":
        model, name = build_model(CRNN), None
        head = model.head
    else:
        model = build_model({"name": "DistillationModel", "model_type": "rec", "algorithm": "Distillation",
                             "Models": {"Teacher": dict(MULTI), "Student": dict(MULTI)}})
        name, head = "Student", model.Student.head.ctc_head
    model.eval()
    images = paddle.to_tensor(np.random.RandomState(1).uniform(-1, 1, (6, 3, 32, 64)).astype("float32"))
    batches = _self_labelled_batches(model, name, images)

    # the explicit path gives exactly what the model computes in its own forward (eval mode)
    feats_hook = _Hook(head.fc1 if arch == "plain" else model.Student.head.ctc_encoder)
    with paddle.no_grad():
        probs = model(images)
        feats, logits = ctc_features(model, images, name)
    probs = probs if arch == "plain" else probs["Student"]
    probs = probs["head_out"] if isinstance(probs, dict) else probs
    np.testing.assert_allclose(paddle.nn.functional.softmax(logits, axis=2).numpy(), probs.numpy(), atol=1e-6)
    np.testing.assert_allclose(feats.numpy(), feats_hook.out.numpy(), atol=1e-6)
    assert model.training is False and (arch == "plain" or model.Student.head.training is False)

    out = tmp_path / "train_center.pkl"
    centers = export_centers(model, batches, out, model_name=name)
    labels = np.concatenate([b[1].numpy() for b in batches])
    expected = _expected_centers(feats.numpy(), logits.numpy(), labels)
    assert sorted(centers) == sorted(expected) and len(expected) > 0
    for c in expected:
        np.testing.assert_allclose(centers[c], expected[c], rtol=1e-5, atol=1e-6)
    with open(out, "rb") as f:
        saved = pickle.load(f)
    assert sorted(saved) == sorted(expected)

    # ... and it is the file CenterLoss reads
    loss = CenterLoss(num_classes=N_CLASSES, feat_dim=feats.shape[-1], init_center=True, center_file_path=str(out))
    for c, v in saved.items():
        np.testing.assert_allclose(loss.centers.numpy()[c], v, rtol=1e-6)
