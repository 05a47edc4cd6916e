"""Lesson 08 checkers reject plausible wrong L1/L2 penalties, dropout and early-stopping answers (batch norm: its own module)."""
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


def one_mask_for_the_whole_batch(x, rate, rng, training=True):
    """A mask of shape x.shape[1:], broadcast over the batch: every example loses the same units."""
    if not training:
        return x.copy()
    return np.where(rng.random(x.shape[1:]) >= rate, x / (1 - rate), 0.0)


def scales_in_place(x, rate, rng, training=True):
    """`x *= mask / (1 - rate)`: the right output, but the caller's activations are overwritten."""
    if not training:
        return x
    x *= (rng.random(x.shape) >= rate) / (1 - rate)
    return x


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
    pytest.param(one_mask_for_the_whole_batch, "broadcast over the batch", id="one-mask-for-the-whole-batch"),
    pytest.param(scales_in_place, "changed its input `x` in place", id="scales-x-in-place"),
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


def drop_of_exactly_min_delta_improves(val_losses, patience, min_delta=0.0):
    """`best - value >= min_delta`: an epoch that improves by exactly min_delta counts (Keras needs more)."""
    return _variant(val_losses, patience, min_delta, improves=lambda v, b: b - v >= min_delta and v < b)


def test_early_stopping_accepts_reference():
    assert_accepted("08.early_stopping_epoch", early_stopping_epoch)


@pytest.mark.parametrize("fn", [
    pytest.param(off_by_one_patience, id="patience-off-by-one"),
    pytest.param(stopped_epoch_one_based, id="one-based-epochs"),
    pytest.param(best_epoch_is_argmin, id="best-epoch-ignores-min-delta"),
    pytest.param(drop_of_exactly_min_delta_improves, id="drop-of-exactly-min-delta-improves"),
])
def test_early_stopping_rejects_counting_mistakes(fn):
    assert_rejected("08.early_stopping_epoch", fn, match="keras gives")


def l1l2_penalty(model, l1, l2):
    total = 0.0
    for layer in model.layers:
        if hasattr(layer, "kernel"):
            w = layer.kernel.numpy().astype(np.float64)
            total += l1 * np.abs(w).sum() + l2 * np.square(w).sum()
    return float(total)


def _penalty(arrays, l1, l2):
    return float(sum(l1 * np.abs(a).sum() + l2 * np.square(a).sum() for a in arrays))


def penalises_biases(model, l1, l2):
    return _penalty([w.numpy() for layer in model.layers if hasattr(layer, "kernel") for w in layer.trainable_weights],
                    l1, l2)


def penalises_batchnorm_gamma(model, l1, l2):
    return _penalty([w.numpy() for w in model.trainable_weights if "bias" not in w.path and "beta" not in w.path], l1, l2)


def penalises_every_trainable_weight(model, l1, l2):
    return _penalty([w.numpy() for w in model.trainable_weights], l1, l2)


def half_l2(model, l1, l2):
    kernels = [layer.kernel.numpy() for layer in model.layers if hasattr(layer, "kernel")]
    return float(sum(l1 * np.abs(k).sum() + 0.5 * l2 * np.square(k).sum() for k in kernels))


def mean_not_sum(model, l1, l2):
    kernels = [layer.kernel.numpy() for layer in model.layers if hasattr(layer, "kernel")]
    return float(sum(l1 * np.abs(k).mean() + l2 * np.square(k).mean() for k in kernels))


def l1_without_abs(model, l1, l2):
    kernels = [layer.kernel.numpy() for layer in model.layers if hasattr(layer, "kernel")]
    return float(sum(l1 * k.sum() + l2 * np.square(k).sum() for k in kernels))


def l1_and_l2_swapped(model, l1, l2):
    return l1l2_penalty(model, l2, l1)


def test_l1l2_accepts_reference():
    assert_accepted("08.l1l2_penalty", l1l2_penalty)


@pytest.mark.parametrize("fn, match", [
    pytest.param(penalises_biases, "biases are penalised", id="biases-penalised"),
    pytest.param(penalises_batchnorm_gamma, "gamma and beta|gamma", id="batchnorm-gamma-penalised"),
    pytest.param(penalises_every_trainable_weight, "every trainable weight", id="all-trainable-weights"),
    pytest.param(half_l2, "factor 1/2", id="half-l2"),
    pytest.param(mean_not_sum, "mean", id="mean-instead-of-sum"),
    pytest.param(l1_without_abs, "instead of \\|w\\|", id="l1-without-abs"),
    pytest.param(l1_and_l2_swapped, "l1=", id="l1-l2-swapped"),
])
def test_l1l2_rejects(fn, match):
    assert_rejected("08.l1l2_penalty", fn, match=match)
