"""Lesson 08 checkers reject plausible wrong dropout and early-stopping answers (08.l2_penalty: being replaced)."""
import numpy as np
import pytest

from . import assert_accepted, assert_rejected


def dropout_forward(x, rate, rng, training=True):
    x = np.asarray(x, dtype=float)
    if not training or rate == 0:
        return x.copy()
    keep = rng.random(x.shape) >= rate
    return np.where(keep, x / (1 - rate), 0.0)


def not_inverted(x, rate, rng, training=True):
    if not training:
        return x * (1 - rate)                       # classic dropout: scale at inference instead
    return np.where(rng.random(x.shape) >= rate, x, 0.0)


def training_flag_ignored(x, rate, rng, training=True):
    return np.where(rng.random(x.shape) >= rate, x / (1 - rate), 0.0)


def inverted_scaling_at_inference(x, rate, rng, training=True):
    if not training:
        return x / (1 - rate)
    return np.where(rng.random(x.shape) >= rate, x / (1 - rate), 0.0)


def multiplies_by_keep_probability(x, rate, rng, training=True):
    if not training:
        return x.copy()
    return np.where(rng.random(x.shape) >= rate, x * (1 - rate), 0.0)


def rate_read_as_keep_probability(x, rate, rng, training=True):
    if not training:
        return x.copy()
    return np.where(rng.random(x.shape) < rate, x / rate if rate else x, 0.0)


def global_numpy_random(x, rate, rng, training=True):
    if not training:
        return x.copy()
    return np.where(np.random.random(x.shape) >= rate, x / (1 - rate), 0.0)


def one_mask_per_example(x, rate, rng, training=True):
    if not training:
        return x.copy()
    return np.where(rng.random((x.shape[0], 1)) >= rate, x / (1 - rate), 0.0)


def test_dropout_accepts_reference():
    assert_accepted("08.dropout_forward", dropout_forward)


@pytest.mark.parametrize("fn, match", [
    pytest.param(not_inverted, "1 / \\(1 - rate\\)", id="classic-not-inverted"),
    pytest.param(training_flag_ignored, "training=False", id="training-flag-ignored"),
    pytest.param(inverted_scaling_at_inference, "identity", id="scales-at-inference"),
    pytest.param(multiplies_by_keep_probability, "1 / \\(1 - rate\\)", id="multiplies-by-keep-probability"),
    pytest.param(rate_read_as_keep_probability, "rate=0.2", id="rate-read-as-keep-probability"),
    pytest.param(global_numpy_random, "rng", id="ignores-rng"),
    pytest.param(one_mask_per_example, "element", id="one-mask-value-per-example"),
])
def test_dropout_rejects(fn, match):
    assert_rejected("08.dropout_forward", fn, match=match)


def early_stopping_epoch(val_losses, patience, min_delta=0.0):
    best, best_epoch, wait = np.inf, 0, 0
    for epoch, value in enumerate(val_losses):
        if value < best - min_delta:
            best, best_epoch, wait = value, epoch, 0
        else:
            wait += 1
            if wait >= patience:
                return epoch, best_epoch
    return len(val_losses) - 1, best_epoch


def _variant(val_losses, patience, min_delta=0.0, *, improves=None, stop_when=None, track_min=False, reset=True):
    improves = improves or (lambda value, best: value < best - min_delta)
    stop_when = stop_when or (lambda wait: wait >= patience)
    best, best_epoch, wait = np.inf, 0, 0
    for epoch, value in enumerate(val_losses):
        if improves(value, best):
            best, best_epoch = value, epoch
            if reset:
                wait = 0
        else:
            if track_min and value < best:
                best = value                       # moves the bar without counting as an improvement
            wait += 1
            if stop_when(wait):
                return epoch, best_epoch
    return len(val_losses) - 1, best_epoch


@pytest.mark.parametrize("kwargs", [
    pytest.param({"improves": lambda v, b: v <= b}, id="tie-counts-as-improvement"),
    pytest.param({"stop_when": lambda wait: wait > 3}, id="fixed-patience"),
    pytest.param({"track_min": True}, id="best-follows-every-new-minimum"),
    pytest.param({"reset": False}, id="wait-never-reset"),
    pytest.param({"improves": lambda v, b: v < b}, id="min-delta-ignored"),
])
def test_early_stopping_rejects(kwargs):
    def answer(val_losses, patience, min_delta=0.0):
        return _variant(val_losses, patience, min_delta, **kwargs)
    assert_rejected("08.early_stopping_epoch", answer, match="keras gives")


def off_by_one_patience(val_losses, patience, min_delta=0.0):
    return _variant(val_losses, patience, min_delta, stop_when=lambda wait: wait > patience)


def stopped_epoch_one_based(val_losses, patience, min_delta=0.0):
    stopped, best = early_stopping_epoch(val_losses, patience, min_delta)
    return stopped + 1, best


def best_epoch_is_argmin(val_losses, patience, min_delta=0.0):
    stopped, _ = early_stopping_epoch(val_losses, patience, min_delta)
    return stopped, int(np.argmin(val_losses[: stopped + 1]))


def test_early_stopping_accepts_reference():
    assert_accepted("08.early_stopping_epoch", early_stopping_epoch)


@pytest.mark.parametrize("fn", [
    pytest.param(off_by_one_patience, id="patience-off-by-one"),
    pytest.param(stopped_epoch_one_based, id="one-based-epochs"),
    pytest.param(best_epoch_is_argmin, id="best-epoch-ignores-min-delta"),
])
def test_early_stopping_rejects_counting_mistakes(fn):
    assert_rejected("08.early_stopping_epoch", fn, match="keras gives")
