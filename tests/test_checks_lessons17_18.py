import numpy as np
import pytest

from cnncourse import checks
from cnncourse.ops.attention import scaled_dot_product_attention
from cnncourse.checks import CheckFailed
from cnncourse.deploy.compression import distillation_loss_np, low_rank_factors, magnitude_mask
from cnncourse.training.semi_supervised import select_pseudo_labels


def stub(*args, **kwargs):
    raise NotImplementedError()


def test_magnitude_prune(capsys):
    checks.magnitude_prune(lambda w, s: w * magnitude_mask(w, s))
    with pytest.raises(CheckFailed, match="np.abs"):   # prunes the most negative, not the smallest |w|
        checks.magnitude_prune(lambda w, s: np.where(np.argsort(np.argsort(w.ravel())).reshape(w.shape) < round(s * w.size), 0, w))
    with pytest.raises(CheckFailed, match="not done yet"):
        checks.magnitude_prune(stub)


def test_low_rank_dense():
    checks.low_rank_dense(low_rank_factors)
    with pytest.raises(CheckFailed, match="Eckart"):  # smallest singular values instead of largest
        def wrong(w, r):
            u, s, vt = np.linalg.svd(w, full_matrices=False)
            return u[:, -r:] * s[-r:], vt[-r:]
        checks.low_rank_dense(wrong)
    with pytest.raises(CheckFailed, match="not done yet"):
        checks.low_rank_dense(stub)


def test_distillation_loss():
    checks.distillation_loss(distillation_loss_np)
    with pytest.raises(CheckFailed, match="T\\*\\*2"):  # forgets the T^2 factor
        checks.distillation_loss(lambda y, s, t, temperature, alpha: distillation_loss_np(y, s, t, temperature, alpha)
                                 if temperature == 1.0 else distillation_loss_np(y, s, t, temperature, alpha) / temperature)
    with pytest.raises(CheckFailed, match="not done yet"):
        checks.distillation_loss(stub)


def test_pseudo_label_select():
    checks.pseudo_label_select(select_pseudo_labels)
    with pytest.raises(CheckFailed, match="more than max_per_class"):   # ignores the per-class cap
        checks.pseudo_label_select(lambda p, threshold, max_per_class: select_pseudo_labels(p, threshold))
    with pytest.raises(CheckFailed, match="not done yet"):
        checks.pseudo_label_select(stub)


def test_self_attention():
    checks.self_attention(scaled_dot_product_attention)
    with pytest.raises(CheckFailed, match="sqrt"):   # forgets the 1/sqrt(d_k) scaling
        checks.self_attention(lambda q, k, v: scaled_dot_product_attention(q * np.sqrt(q.shape[-1]), k, v))
    with pytest.raises(CheckFailed, match="not done yet"):
        checks.self_attention(stub)
