"""Checkers for lesson 18 (limitations and trends): pseudo-label selection, scaled dot-product attention, FGSM."""
from __future__ import annotations

import numpy as np

from cnncourse.ops.attention import scaled_dot_product_attention as reference_attention
from cnncourse.checks.expect import case_rng, expect_close, expect_true, hidden_cases
from cnncourse.checks.registry import exercise
from cnncourse.training.semi_supervised import select_pseudo_labels as reference_select


def _random_probs(rng, n, k, sharpness):
    logits = rng.normal(scale=sharpness, size=(n, k))
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


@exercise("18.pseudo_label_select", points=2)
def pseudo_label_select(student_fn):
    """Confident, class-balanced pseudo-labels from predicted probabilities."""
    rng = case_rng(1818)
    cases = [(200, 10, 3.0, 0.9, None), (300, 10, 4.0, 0.8, 5), (50, 3, 2.0, 0.5, 4),
             (400, 10, 1.0, 0.95, 10), (120, 5, 3.0, 0.7, 1)] + hidden_cases("18.pseudo_label_select")
    for n, k, sharp, threshold, cap in cases:
        probs = _random_probs(rng, n, k, sharp)
        if cap is None:  # one row exactly at the threshold: ">= threshold" keeps it
            probs = np.concatenate([probs, [[threshold] + [(1 - threshold) / (k - 1)] * (k - 1)]])
        idx, labels = student_fn(probs, threshold=threshold, max_per_class=cap)
        idx, labels = np.asarray(idx), np.asarray(labels)
        ref_idx, ref_labels = reference_select(probs, threshold=threshold, max_per_class=cap)
        what = f"pool of {n}, threshold {threshold}, max_per_class {cap}"
        expect_true(len(idx) == len(labels), f"{what}: indices and labels differ in length")
        if len(idx) and np.any(probs[idx].max(axis=1) < threshold):
            raise AssertionError(f"{what}: you selected images below the confidence threshold")
        expect_true(np.all(np.diff(idx) > 0), f"{what}: return the indices in ascending order, each once (np.sort)")
        if cap is not None and len(idx):
            per_class = np.bincount(probs[idx].argmax(axis=1), minlength=k)
            expect_true(per_class.max() <= cap, f"{what}: class {per_class.argmax()} got {per_class.max()} "
                        f"pseudo-labels, more than max_per_class={cap}. Hint: the cap applies per predicted class")
        expect_true(len(idx) == len(ref_idx), f"{what}: selected {len(idx)} images, expected {len(ref_idx)}. "
                    "Hint: keep probs.max(axis=1) >= threshold, then per predicted class at most "
                    "max_per_class of the most confident")
        expect_true(np.array_equal(np.sort(idx), ref_idx),
                    f"{what}: right count but wrong images. Hint: within each class keep the MOST confident ones")
        order = np.argsort(idx)
        expect_true(np.array_equal(labels[order], ref_labels), f"{what}: labels must be the predicted classes (argmax)")
    return f"{len(cases)} hidden pools selected exactly like the reference"


@exercise("18.self_attention", points=2)
def self_attention(student_fn):
    """Scaled dot-product attention softmax(Q K^T / sqrt(d_k)) V in NumPy."""
    rng = case_rng(1819)
    for shape_q, shape_k, dv in [((4, 8), (4, 8), 8), ((2, 5, 6), (2, 7, 6), 3), ((3, 2, 9, 16), (3, 2, 9, 16), 4),
                                 ((1, 6, 2), (1, 3, 2), 5)] + hidden_cases("18.self_attention"):
        q = rng.normal(size=shape_q) * 2
        k = rng.normal(size=shape_k) * 2
        v = rng.normal(size=shape_k[:-1] + (dv,))
        out, weights = student_fn(q, k, v)
        ref_out, ref_w = reference_attention(q, k, v)
        expect_close(weights, ref_w, f"attention weights for q {shape_q}, k {shape_k}",
                     hint="scores = q @ k^T / sqrt(d_k) (swap the LAST two axes of k), softmax over the last axis")
        expect_close(out, ref_out, f"output for q {shape_q}, k {shape_k}", hint="output = weights @ v")
    q, k, v = rng.normal(size=(2, 4, 8)) * 40, rng.normal(size=(2, 5, 8)) * 40, rng.normal(size=(2, 5, 3))
    with np.errstate(all="ignore"):
        out, weights = student_fn(q, k, v)
    ref_out, ref_w = reference_attention(q, k, v)
    expect_true(np.all(np.isfinite(weights)) and np.all(np.isfinite(out)),
                "with large scores (q k^T / sqrt(d_k) in the thousands) your weights or output are inf/nan. Hint: "
                "subtract each row's maximum score before exp -- softmax does not change, exp cannot overflow (lesson 04)")
    expect_close(weights, ref_w, "attention weights for large scores", hint="softmax of the shifted scores, last axis")
    return "4 hidden cases (batched, Lq != Lk, d_v != d_k) match the reference"


def _fgsm_case_model(rng, size, num_classes):
    """A small random logit CNN (tanh, so every pixel has a non-zero input gradient)."""
    import keras

    keras.utils.set_random_seed(int(rng.integers(2**31)))
    return keras.Sequential([keras.Input((size, size, 1)), keras.layers.Conv2D(4, 3, activation="tanh"),
                             keras.layers.Flatten(), keras.layers.Dense(num_classes)])


def _mean_loss(model, x, y):
    import keras

    logits = model(np.asarray(x, dtype="float32"), training=False)
    return float(np.mean(keras.losses.sparse_categorical_crossentropy(y, logits, from_logits=True)))


@exercise("18.fgsm", points=2)
def fgsm(student_fn):
    """FGSM: move every pixel by epsilon along the sign of the loss gradient w.r.t. the input, clip to [0, 1]."""
    from cnncourse.vision.robustness import fgsm as reference_fgsm   # imports TensorFlow: only when this check runs

    rng = case_rng(1820)
    cases = [(6, 8, 5, 0.1), (4, 10, 3, 0.25), (8, 8, 10, 0.03)] + hidden_cases("18.fgsm")
    for n, size, k, eps in cases:
        eps = float(np.round(eps * rng.uniform(0.8, 1.2), 4))
        model = _fgsm_case_model(rng, size, k)
        x = rng.uniform(0, 1, size=(n, size, size, 1)).astype("float32")
        x[rng.uniform(size=x.shape) < 0.3] = 0.0      # background pixels, as in real images
        x[rng.uniform(size=x.shape) < 0.1] = 1.0
        y = rng.integers(0, k, size=n)
        weights_before = [w.numpy().copy() for w in model.weights]
        x_adv = np.asarray(student_fn(model, x.copy(), y.copy(), eps), dtype=np.float64)
        what = f"{n} images {size}x{size}, epsilon {eps}"
        expect_true(all(np.array_equal(w.numpy(), before) for w, before in zip(model.weights, weights_before)),
                    f"{what}: your function changed the model's weights. FGSM attacks the INPUT: take the "
                    "gradient of the loss with respect to x (tape.watch(x)), not the model's weights, "
                    "and leave the model as it is")
        expect_true(x_adv.shape == x.shape, f"{what}: returned shape {x_adv.shape}, expected {x.shape}")
        expect_true(np.all(np.isfinite(x_adv)), f"{what}: your images contain inf or nan")
        expect_true(x_adv.min() >= 0.0 and x_adv.max() <= 1.0,
                    f"{what}: pixels range over [{x_adv.min():.3g}, {x_adv.max():.3g}]. Hint: clip the result to "
                    "the valid pixel range [0, 1] (np.clip / tf.clip_by_value)")
        step = np.abs(x_adv - x)
        expect_true(step.max() <= eps + 1e-5, f"{what}: a pixel moved by {step.max():.3g}, more than epsilon. "
                    "Hint: the step is epsilon times the SIGN of the gradient (+-1 per pixel)")
        expect_true(step.max() > 0, f"{what}: your images equal the inputs. Hint: x_adv = x + epsilon * "
                    "sign(gradient of the loss w.r.t. x)")
        loss_before, loss_after = _mean_loss(model, x, y), _mean_loss(model, x_adv, y)
        expect_true(loss_after > loss_before,
                    f"{what}: the loss went DOWN ({loss_before:.4f} -> {loss_after:.4f}): you descended the "
                    "loss, as a training step would. An attack ASCENDS it: x + epsilon * sign(gradient)")
        ref = reference_fgsm(model, x, y, eps)
        moved = (ref > 0) & (ref < 1)               # pixels the reference did not clip
        expect_true(np.allclose(step[moved], eps, atol=1e-5),
                    f"{what}: unclipped pixels must move by exactly epsilon, yours moved by "
                    f"{step[moved].min():.3g}..{step[moved].max():.3g}. Hint: use the SIGN of the gradient, "
                    "not the gradient itself")
        expect_close(x_adv, ref, f"FGSM images ({what})", atol=1e-5,
                     hint="x_adv = clip(x + epsilon * sign(d loss / d x), 0, 1), loss = cross-entropy of the logits")
    return f"{len(cases)} hidden cases (random CNNs, clipped pixels) match the reference"
