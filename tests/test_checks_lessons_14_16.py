"""Checkers of lessons 14-16 accept the references and reject wrong or unfinished answers."""
import numpy as np
import pytest

from cnncourse import checks
from cnncourse.vision import boxes, masks
from cnncourse.analysis import classical
from cnncourse.data import timeseries as ts
from cnncourse.checks import CheckFailed


def stub(*args, **kwargs):
    raise NotImplementedError()


CASES = [
    (checks.iou, boxes.iou, lambda a, b: boxes.iou(a, b) * 0.9),
    (checks.nms, lambda b, s, t: boxes.nms(b, s, t), lambda b, s, t: np.argsort(-s)),
    (checks.average_precision, boxes.average_precision,
     lambda s, db, di, gb, gi, t=0.5: boxes.average_precision(-np.asarray(s), db, di, gb, gi, t)),
    (checks.causal_conv1d, ts.causal_conv1d, lambda x, w, b, d=1: ts.causal_conv1d(x, w, b, 1)),
    (checks.per_class_iou, masks.per_class_iou, lambda t, p, n: np.nan_to_num(masks.per_class_iou(t, p, n))),
    (checks.conv1d_forward, ts.conv1d_forward, lambda x, w, b, s=1: ts.conv1d_forward(x, w[::-1], b, s)),
    (checks.spectrogram, ts.spectrogram, lambda x, n, s: np.abs(np.fft.rfft(ts.frames(x, n, s), axis=-1))),
    (checks.hog_features, classical.hog_features, lambda x: classical.hog_features(x, orientations=8)),
    (checks.evaluate_classifier, classical.evaluate_classifier,
     lambda m, a, b, c, d: classical.evaluate_classifier(m, c, d, c, d)),
]


@pytest.mark.parametrize("checker,reference,wrong", CASES)
def test_checker(checker, reference, wrong, capsys):
    assert checker(reference) is None  # passes: prints its line, raises nothing
    assert "passed" in capsys.readouterr().out
    with pytest.raises(CheckFailed, match="Hint|expected|return|kept"):
        checker(wrong)
    with pytest.raises(CheckFailed, match="not done yet"):
        checker(stub)
