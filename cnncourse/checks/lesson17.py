"""Checkers for lesson 17 (deployment): quantization parameters, magnitude pruning, low-rank dense, distillation loss."""
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
    cases += hidden_cases("17.magnitude_prune")
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
    cases = [(20, 10, 3), (64, 32, 8), (12, 30, 5), (16, 16, 16), (40, 10, 1)] + hidden_cases("17.low_rank_dense")
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
    from cnncourse.deploy.compression import distillation_loss_np  # imports keras: only when this check runs

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


@exercise("17.quant_params", points=2)
def quant_params(student_fn):
    """Scale and zero point of affine 8-bit quantization of a float range (0.0 exact)."""
    from cnncourse.deploy.compression import QUANT_RANGES
    from cnncourse.deploy.compression import quant_params as reference

    rng = case_rng(1720)
    # a range around 0, one entirely positive (must be widened to 0), one entirely negative, one symmetric
    cases = [(-1.0, 3.0, "uint8"), (0.5, 6.0, "int8"), (-4.0, -0.5, "uint8"), (-2.0, 2.0, "int8"), (0.0, 1.0, "int8")]
    cases += hidden_cases("17.quant_params")
    for dtype in ("uint8", "int8"):
        lo, hi = np.sort(rng.uniform(-3, 5, 2))
        cases.append((round(float(lo), 3), round(float(hi), 3), dtype))
    for x_min, x_max, dtype in cases:
        q_min, q_max = QUANT_RANGES[dtype]
        got = student_fn(x_min, x_max, dtype)
        expect_true(isinstance(got, (tuple, list)) and len(got) == 2, "return a pair (scale, zero_point)")
        scale, zero = float(got[0]), float(got[1])
        where = f"range [{x_min}, {x_max}] to {dtype}"
        expect_true(zero == round(zero), f"{where}: zero point {zero:.4g} is not an integer. Hint: the zero point is "
                    "the integer that stands for 0.0, so round(q_min - x_min / scale) (round, then clip)")
        expect_true(q_min <= zero <= q_max, f"{where}: zero point {zero:.0f} is outside [{q_min}, {q_max}], so 0.0 "
                    "cannot be represented. Hint: widen the range to include 0.0 first (x_min = min(x_min, 0), "
                    "x_max = max(x_max, 0)), and clip the zero point to [q_min, q_max]")
        want_scale, want_zero = reference(x_min, x_max, dtype)
        lo0, hi0 = min(x_min, 0.0), max(x_max, 0.0)
        if np.isclose(scale, (hi0 - lo0) / 256):
            hint = "256 levels make 255 steps: scale = (x_max - x_min) / (q_max - q_min) = range / 255"
        elif np.isclose(scale, (x_max - x_min) / 255) and not np.isclose(want_scale, scale):
            hint = "widen the range to include 0.0 before computing the scale (x_min = min(x_min, 0), x_max = max(x_max, 0))"
        elif any(np.isclose(scale, max(abs(lo0), abs(hi0)) / d) for d in (127, 127.5, 128)):
            hint = ("that is symmetric quantization (scale = max|x| / 127, zero point fixed); the exercise asks for "
                    "asymmetric (affine): scale = (x_max - x_min) / 255 and a zero point computed from x_min")
        else:
            hint = "scale = (x_max - x_min) / (q_max - q_min) after widening the range to include 0.0"
        expect_close(scale, want_scale, f"scale for {where}", hint=hint, rtol=1e-6, atol=1e-12)
        if zero != want_zero:
            if abs(zero - want_zero) == 128:
                hint = "int8 runs from q_min = -128 to 127, uint8 from 0 to 255: use the q_min of the requested dtype"
            elif abs(zero - want_zero) == 1:
                hint = "round to the nearest integer (round()), not int() or floor(), which truncate"
            else:
                hint = "zero_point = round(q_min - x_min / scale), so that scale * (zero_point - zero_point) = 0.0"
            raise AssertionError(f"zero point for {where} is {zero:.0f}, expected {want_zero}. Hint: {hint}")
    return f"{len(cases)} ranges (around, above and below 0) quantized with the right scale and zero point"
