"""Lesson 17 checkers reject wrong quantization parameters, pruning counts and rankings, non-optimal factorizations
and mis-scaled KD losses."""
import numpy as np
import pytest

from . import assert_accepted, assert_rejected


def magnitude_prune(w, sparsity):
    k = int(round(sparsity * w.size))
    flat = np.array(w, copy=True).ravel()
    flat[np.argsort(np.abs(flat), kind="stable")[:k]] = 0
    return flat.reshape(w.shape)


def _prune_count(w, k):
    flat = np.array(w, copy=True).ravel()
    flat[np.argsort(np.abs(flat), kind="stable")[:k]] = 0
    return flat.reshape(w.shape)


def count_truncated(w, sparsity):
    return _prune_count(w, int(sparsity * w.size))


def count_rounded_up(w, sparsity):
    return _prune_count(w, int(np.ceil(sparsity * w.size)))


def ranked_by_signed_value(w, sparsity):
    k = int(round(sparsity * w.size))
    flat = np.array(w, copy=True).ravel()
    flat[np.argsort(flat, kind="stable")[:k]] = 0
    return flat.reshape(w.shape)


def quantile_threshold_inclusive(w, sparsity):
    return np.where(np.abs(w) <= np.quantile(np.abs(w), sparsity), 0, w)


def pruned_in_place(w, sparsity):
    k = int(round(sparsity * w.size))
    flat = w.reshape(-1)
    flat[np.argsort(np.abs(flat), kind="stable")[:k]] = 0
    return w


def per_output_unit(w, sparsity):
    if w.ndim < 2:
        return magnitude_prune(w, sparsity)
    cols = w.reshape(-1, w.shape[-1])
    out = np.stack([magnitude_prune(cols[:, j], sparsity) for j in range(cols.shape[1])], axis=1)
    return out.reshape(w.shape)


def test_prune_accepts_reference():
    assert_accepted("17.magnitude_prune", magnitude_prune)


@pytest.mark.parametrize("fn, match", [
    pytest.param(count_truncated, "round", id="count-truncated-with-int"),
    pytest.param(count_rounded_up, "round", id="count-rounded-up"),
    pytest.param(ranked_by_signed_value, "np.abs", id="ranked-by-signed-value"),
    pytest.param(quantile_threshold_inclusive, "zeros", id="quantile-threshold-inclusive"),
    pytest.param(pruned_in_place, "in place", id="modifies-input-in-place"),
    pytest.param(per_output_unit, "zeros|larger in magnitude", id="pruned-per-output-unit"),
])
def test_prune_rejects(fn, match):
    assert_rejected("17.magnitude_prune", fn, match=match)


def low_rank_dense(w, rank):
    u, s, vt = np.linalg.svd(w, full_matrices=False)
    return u[:, :rank] * s[:rank], vt[:rank]


def singular_values_forgotten(w, rank):
    u, s, vt = np.linalg.svd(w, full_matrices=False)
    return u[:, :rank], vt[:rank]


def smallest_singular_values(w, rank):
    u, s, vt = np.linalg.svd(w, full_matrices=False)
    return u[:, -rank:] * s[-rank:], vt[-rank:]


def columns_of_vt(w, rank):
    u, s, vt = np.linalg.svd(w, full_matrices=False)
    return u[:, :rank] * s[:rank], vt[:, :rank].T          # V's columns taken from Vt: rows and columns mixed up


def first_columns_kept(w, rank):
    return w[:, :rank], np.eye(rank, w.shape[1])


def test_low_rank_accepts_reference():
    assert_accepted("17.low_rank_dense", low_rank_dense)


@pytest.mark.parametrize("fn, match", [
    pytest.param(singular_values_forgotten, "S\\[:r\\]", id="singular-values-forgotten"),
    pytest.param(smallest_singular_values, "largest singular values", id="smallest-singular-values"),
    pytest.param(columns_of_vt, "Vt\\[:r\\]", id="columns-of-vt-not-rows"),
    pytest.param(first_columns_kept, "Eckart-Young", id="first-columns-kept"),
])
def test_low_rank_rejects(fn, match):
    assert_rejected("17.low_rank_dense", fn, match=match)


def _softmax(z, axis=1):
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _kd(labels, s, t, temperature=4.0, alpha=0.1, *, scale="T^2", kl="teacher||student", hard_temperature=1.0,
        soft_teacher=True, soft_ce=False, axis=1, reduce="mean"):
    p = _softmax(s / hard_temperature, axis)
    hard = -np.log(p[np.arange(len(labels)), labels])
    p_t = _softmax(t / temperature if soft_teacher else t, axis)
    p_s = _softmax(s / temperature, axis)
    if soft_ce:
        soft = -(p_t * np.log(p_s)).sum(axis=1)
    elif kl == "teacher||student":
        soft = (p_t * (np.log(p_t) - np.log(p_s))).sum(axis=1)
    else:
        soft = (p_s * (np.log(p_s) - np.log(p_t))).sum(axis=1)
    factor = {"T^2": temperature ** 2, "T": temperature, "1": 1.0}[scale]
    per_example = alpha * hard + (1 - alpha) * factor * soft
    return per_example.mean() if reduce == "mean" else per_example.sum()


def distillation_loss(labels, student_logits, teacher_logits, temperature=4.0, alpha=0.1):
    return _kd(labels, student_logits, teacher_logits, temperature, alpha)


def test_distillation_accepts_reference():
    assert_accepted("17.distillation_loss", distillation_loss)


@pytest.mark.parametrize("kwargs, match", [
    pytest.param({"scale": "1"}, "T\\*\\*2", id="no-t-squared"),
    pytest.param({"scale": "T"}, "T\\*\\*2", id="t-not-squared"),
    pytest.param({"kl": "student||teacher"}, "KL\\(softmax\\(t/T\\) \\|\\| softmax\\(s/T\\)\\)", id="kl-reversed"),
    pytest.param({"hard_temperature": None}, "CE\\(y, softmax\\(s\\)\\)", id="hard-loss-at-temperature"),
    pytest.param({"soft_teacher": False}, "softmax\\(t/T\\)", id="teacher-not-softened"),
    pytest.param({"soft_ce": True}, "KL", id="soft-cross-entropy-not-kl"),
    pytest.param({"axis": 0}, "loss", id="softmax-over-batch-axis"),
    pytest.param({"reduce": "sum"}, "mean over the batch", id="summed-over-batch"),
])
def test_distillation_rejects(kwargs, match):
    def answer(labels, s, t, temperature=4.0, alpha=0.1):
        extra = dict(kwargs)
        if extra.get("hard_temperature", 1.0) is None:
            extra["hard_temperature"] = temperature
        return _kd(labels, s, t, temperature, alpha, **extra)
    assert_rejected("17.distillation_loss", answer, match=match)


_Q = {"uint8": (0, 255), "int8": (-128, 127)}


def quant_params(x_min, x_max, dtype="int8"):
    q_min, q_max = _Q[dtype]
    x_min, x_max = min(x_min, 0.0), max(x_max, 0.0)
    scale = (x_max - x_min) / (q_max - q_min)
    return scale, int(np.clip(round(q_min - x_min / scale), q_min, q_max))


def zero_point_not_rounded(x_min, x_max, dtype="int8"):
    q_min, q_max = _Q[dtype]
    x_min, x_max = min(x_min, 0.0), max(x_max, 0.0)
    scale = (x_max - x_min) / (q_max - q_min)
    return scale, q_min - x_min / scale


def zero_point_truncated(x_min, x_max, dtype="int8"):
    q_min, q_max = _Q[dtype]
    x_min, x_max = min(x_min, 0.0), max(x_max, 0.0)
    scale = (x_max - x_min) / (q_max - q_min)
    return scale, int(np.clip(np.floor(q_min - x_min / scale), q_min, q_max))


def scale_over_256(x_min, x_max, dtype="int8"):
    q_min, q_max = _Q[dtype]
    x_min, x_max = min(x_min, 0.0), max(x_max, 0.0)
    scale = (x_max - x_min) / 256
    return scale, int(np.clip(round(q_min - x_min / scale), q_min, q_max))


def range_not_extended(x_min, x_max, dtype="int8"):
    q_min, q_max = _Q[dtype]
    scale = (x_max - x_min) / (q_max - q_min)
    return scale, int(np.clip(round(q_min - x_min / scale), q_min, q_max))


def range_not_extended_nor_clipped(x_min, x_max, dtype="int8"):
    q_min, q_max = _Q[dtype]
    scale = (x_max - x_min) / (q_max - q_min)
    return scale, int(round(q_min - x_min / scale))


def symmetric(x_min, x_max, dtype="int8"):
    scale = max(abs(x_min), abs(x_max)) / 127
    return scale, 0 if dtype == "int8" else 128


def uint8_range_for_int8(x_min, x_max, dtype="int8"):
    return quant_params(x_min, x_max, "uint8")


def zero_point_sign_flipped(x_min, x_max, dtype="int8"):
    q_min, q_max = _Q[dtype]
    x_min, x_max = min(x_min, 0.0), max(x_max, 0.0)
    scale = (x_max - x_min) / (q_max - q_min)
    return scale, int(np.clip(round(q_min + x_min / scale), q_min, q_max))


def test_quant_params_accepts_reference():
    assert_accepted("17.quant_params", quant_params)


@pytest.mark.parametrize("fn, match", [
    pytest.param(zero_point_not_rounded, "not an integer", id="zero-point-not-rounded"),
    pytest.param(zero_point_truncated, "nearest", id="zero-point-floored"),
    pytest.param(scale_over_256, "255", id="scale-over-256"),
    pytest.param(range_not_extended, "include 0.0", id="range-not-extended-to-zero"),
    pytest.param(range_not_extended_nor_clipped, "outside", id="range-not-extended-nor-clipped"),
    pytest.param(symmetric, "symmetric", id="symmetric-not-affine"),
    pytest.param(uint8_range_for_int8, "-128", id="uint8-range-for-int8"),
    pytest.param(zero_point_sign_flipped, "zero point", id="zero-point-sign-flipped"),
])
def test_quant_params_rejects(fn, match):
    assert_rejected("17.quant_params", fn, match=match)
