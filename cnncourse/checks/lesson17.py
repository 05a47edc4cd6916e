"""Checkers for lesson 17 (deployment): magnitude pruning, low-rank dense, distillation loss."""
from __future__ import annotations

import numpy as np

from cnncourse.checks.expect import case_rng, expect_close, expect_shape, expect_true, hidden_cases
from cnncourse.checks.registry import exercise


@exercise("17.magnitude_prune", points=2)
def magnitude_prune(student_fn):
    """Zero the smallest-magnitude weights of one layer at a given sparsity."""
    rng = case_rng(1717)
    # 0.7 * 36 = 25.2 and 0.337 * 100 = 33.7: int() and ceil() both miss round() on one of them
    cases = [((3, 3, 8, 16), 0.5), ((64, 10), 0.9), ((5, 7), 0.0), ((3, 3, 1, 4), 0.7), ((100,), 0.337)]
    for shape, sparsity in cases:
        w = rng.normal(size=shape).astype(np.float32)
        w_before = w.copy()
        pruned = np.asarray(student_fn(w, sparsity))
        expect_true(np.array_equal(w, w_before), "do not modify the input array in place; return a new array")
        expect_shape(pruned, shape, f"pruned weights for shape {shape}")
        k = int(round(sparsity * w.size))
        zeros = int((pruned == 0).sum())
        expect_true(zeros == k, f"shape {shape}, sparsity {sparsity}: expected exactly round(sparsity * n) = {k} "
                                f"zeros, got {zeros}. Hint: count how many weights to drop, k = round(s * w.size) (not int(), "
                                f"which truncates, nor ceil()), and zero exactly those k")
        kept = pruned != 0
        expect_true(np.array_equal(pruned[kept], w[kept]), "surviving weights must keep their original values")
        if 0 < k < w.size:
            expect_true(np.abs(w[kept]).min() >= np.abs(w[~kept]).max(),
                        f"shape {shape}: a pruned weight is larger in magnitude than a kept one. "
                        "Hint: rank by np.abs(w), not by signed value")
    return f"{len(cases)} hidden layers pruned to the exact sparsity, largest weights kept"


@exercise("17.low_rank_dense", points=2)
def low_rank_dense(student_fn):
    """Rank-r factorization W ~ A @ B of a dense kernel by truncated SVD."""
    rng = case_rng(1718)
    cases = [(20, 10, 3), (64, 32, 8), (12, 30, 5), (16, 16, 16), (40, 10, 1)]
    for n, m, r in cases:
        w = rng.normal(size=(n, m))
        a, b = (np.asarray(t, dtype=np.float64) for t in student_fn(w, r))
        expect_shape(a, (n, r), f"A for W {n}x{m}, rank {r}")
        expect_shape(b, (r, m), f"B for W {n}x{m}, rank {r}")
        s = np.linalg.svd(w, compute_uv=False)
        optimal = np.sqrt((s[r:] ** 2).sum())
        err = np.linalg.norm(w - a @ b)
        expect_close(err, optimal, f"||W - A B||_F for W {n}x{m}, rank {r}",
                     hint="keep the r largest singular values: A = U[:, :r] * S[:r], B = Vt[:r] "
                          "(Eckart-Young: nothing of rank r does better)", rtol=1e-4, atol=1e-5)
    return f"{len(cases)} hidden kernels factorized with the optimal (Eckart-Young) error"


@exercise("17.distillation_loss", points=2)
def distillation_loss(student_fn):
    """Hinton's distillation loss: hard cross-entropy + T^2-scaled KL on softened probabilities."""
    from cnncourse.compression import distillation_loss_np  # imports keras: only when this check runs

    rng = case_rng(1719)
    for n, t, alpha in [(8, 4.0, 0.1), (5, 1.0, 0.5), (16, 8.0, 0.0), (3, 2.0, 1.0), (10, 3.0, 0.3)] + hidden_cases("17.distillation_loss"):
        labels = rng.integers(0, 10, size=n)
        s, te = rng.normal(scale=3, size=(n, 10)), rng.normal(scale=3, size=(n, 10))
        got = float(student_fn(labels, s, te, temperature=t, alpha=alpha))
        expect_close(got, distillation_loss_np(labels, s, te, temperature=t, alpha=alpha),
                     f"loss (batch {n}, T={t}, alpha={alpha})",
                     hint="mean over the batch of alpha*CE(y, softmax(s)) + (1-alpha)*T**2*KL(softmax(t/T) || softmax(s/T))",
                     rtol=1e-4, atol=1e-6)
    return "5 hidden batches match the reference loss"
