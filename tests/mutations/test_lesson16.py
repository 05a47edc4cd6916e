"""Lesson 16 checkers reject HOG features with the wrong settings and a skewed classifier evaluation."""
import time

import numpy as np
import pytest
from skimage.feature import hog
from sklearn.metrics import confusion_matrix

from . import assert_accepted, assert_rejected


def _hog(images, *, scale=True, block_norm="L2-Hys", dtype=np.float32, cells=(7, 7), transpose=False):
    images = np.asarray(images, dtype=np.float32) / (255.0 if scale else 1.0)
    if transpose:
        images = images.transpose(0, 2, 1)
    return np.stack([hog(img, orientations=9, pixels_per_cell=cells, cells_per_block=(2, 2), block_norm=block_norm)
                     for img in images]).astype(dtype)


def hog_features(images):
    return _hog(images)


def test_hog_accepts_reference():
    assert_accepted("16.hog_features", hog_features)


@pytest.mark.parametrize("kwargs, match", [
    pytest.param({"block_norm": "L2"}, "L2-Hys", id="l2-block-norm"),
    pytest.param({"block_norm": "L1"}, "L2-Hys", id="l1-block-norm"),
    pytest.param({"cells": (4, 4)}, "shape", id="pixels-per-cell-4"),
    pytest.param({"transpose": True}, "HOG features", id="images-transposed"),
    pytest.param({"dtype": np.float64}, "float32", id="float64-not-float32"),
])
def test_hog_rejects(kwargs, match):
    assert_rejected("16.hog_features", lambda images: _hog(images, **kwargs), match=match)


def evaluate_classifier(model, x_train, y_train, x_test, y_test):
    start = time.perf_counter()
    model.fit(x_train, y_train)
    fitted = time.perf_counter()
    pred = model.predict(x_test)
    return {"accuracy": float(np.mean(pred == y_test)), "confusion": confusion_matrix(y_test, pred),
            "fit_seconds": fitted - start, "predict_seconds": time.perf_counter() - fitted}


def without_predict_time(model, x_train, y_train, x_test, y_test):
    result = evaluate_classifier(model, x_train, y_train, x_test, y_test)
    return {key: value for key, value in result.items() if key != "predict_seconds"}


def confusion_transposed(model, x_train, y_train, x_test, y_test):
    result = evaluate_classifier(model, x_train, y_train, x_test, y_test)
    return {**result, "confusion": result["confusion"].T}


def scored_on_training_set(model, x_train, y_train, x_test, y_test):
    model.fit(x_train, y_train)
    pred = model.predict(x_train)
    return {"accuracy": float(np.mean(pred == y_train)), "confusion": confusion_matrix(y_train, pred), "fit_seconds": 0.0,
            "predict_seconds": 0.0}


def fitted_on_test_set(model, x_train, y_train, x_test, y_test):
    return evaluate_classifier(model, x_test, y_test, x_test, y_test)


def accuracy_in_percent(model, x_train, y_train, x_test, y_test):
    result = evaluate_classifier(model, x_train, y_train, x_test, y_test)
    return {**result, "accuracy": 100 * result["accuracy"]}


def test_evaluate_accepts_reference():
    assert_accepted("16.evaluate_classifier", evaluate_classifier)


@pytest.mark.parametrize("fn, match", [
    pytest.param(confusion_transposed, "rows are the true classes", id="confusion-transposed"),
    pytest.param(scored_on_training_set, "TEST set", id="scored-on-training-set"),
    pytest.param(fitted_on_test_set, "TRAINING set", id="fitted-on-test-set"),
    pytest.param(accuracy_in_percent, "accuracy", id="accuracy-in-percent"),
    pytest.param(without_predict_time, "predict_seconds", id="without-predict-time"),
])
def test_evaluate_rejects(fn, match):
    assert_rejected("16.evaluate_classifier", fn, match=match)
