"""Checkers for lesson 16 (CNNs vs classical ML): HOG features and a classifier evaluation helper."""
from __future__ import annotations

import numpy as np

from cnncourse.analysis import classical
from cnncourse.checks.expect import case_rng, expect_close, expect_shape, expect_true, hidden_cases
from cnncourse.checks.registry import exercise


@exercise("16.hog_features", points=2)
def hog_features(student_fn):
    """HOG features of a batch of 28x28 uint8 images"""
    from cnncourse.data import load_mnist5k

    x, _ = load_mnist5k()
    rng = case_rng(16)
    for n in [1, 5] + hidden_cases("16.hog_features"):
        batch = x[rng.choice(len(x), n, replace=False)]
        got = np.asarray(student_fn(batch.copy()))
        want = classical.hog_features(batch)
        expect_true(got.dtype == np.float32, f"features have dtype {got.dtype}: return float32 (.astype(np.float32)), "
                    "half the memory of float64 for the 60,000-image feature matrices")
        expect_shape(got, want.shape, f"features of {n} image(s)")
        expect_close(got, want, "HOG features", rtol=1e-4, atol=1e-5,
                     hint="scale to [0, 1] first; use orientations=9, pixels_per_cell=(7, 7), "
                          "cells_per_block=(2, 2), block_norm='L2-Hys'; one row per image")
    return "HOG of 6 hidden MNIST digits matches (324 features each)"


@exercise("16.evaluate_classifier", points=2)
def evaluate_classifier(student_fn):
    """fit on train, score on test, confusion matrix with true classes as rows"""
    from sklearn.neighbors import KNeighborsClassifier

    rng = case_rng(160)
    for n_train, n_test, n_features in [(60, 40, 4)] + hidden_cases("16.evaluate_classifier"):
        x_train, x_test = rng.standard_normal((n_train, n_features)), rng.standard_normal((n_test, n_features))
        y_train = (x_train[:, 0] > 0).astype(int) + (x_train[:, 1] > 0.5)
        y_test = (x_test[:, 0] > 0).astype(int) + (x_test[:, 1] > 0.5)
        got = student_fn(KNeighborsClassifier(1), x_train, y_train, x_test, y_test)
        want = classical.evaluate_classifier(KNeighborsClassifier(1), x_train, y_train, x_test, y_test)
        keys = {"accuracy", "confusion", "fit_seconds", "predict_seconds"}
        expect_true(isinstance(got, dict) and keys <= set(got),
                    "return a dict with keys 'accuracy', 'confusion', 'fit_seconds' and 'predict_seconds'")
        expect_close(got["accuracy"], want["accuracy"], f"accuracy ({n_train} training, {n_test} test examples)",
                     hint="fit on the TRAINING set, predict the TEST set, accuracy = mean(pred == y_test)")
        expect_close(got["confusion"], want["confusion"], f"confusion matrix ({n_train} training, {n_test} test examples)",
                     hint="rows are the true classes, columns the predicted ones (sklearn.metrics.confusion_matrix(y_true, y_pred))")
        expect_true(float(got["fit_seconds"]) >= 0, "fit_seconds must be the (non-negative) time fit() took")
        expect_true(float(got["predict_seconds"]) >= 0, "predict_seconds must be the (non-negative) time predict() took")
    return f"1-NN on a hidden split: accuracy {want['accuracy']:.3f} and confusion matrix match"
