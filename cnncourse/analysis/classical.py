"""Classical machine learning on images: HOG features (scikit-image) and a fit-and-score helper
for any scikit-learn classifier, so that SVMs, random forests and CNNs are compared the same way.

Used in lesson 16.
"""
from __future__ import annotations

import time

import numpy as np

#: The HOG settings the course uses on 28x28 images: 4x4 cells of 7x7 pixels, 2x2-cell blocks.
HOG_SPEC = dict(orientations=9, pixels_per_cell=(7, 7), cells_per_block=(2, 2), block_norm="L2-Hys")


def hog_features(images, **spec) -> np.ndarray:
    """HOG descriptor of each grayscale image (N, H, W) scaled to [0, 1]: float32 (N, F); F = 324 at 28x28."""
    from skimage.feature import hog

    params = {**HOG_SPEC, **spec}
    images = np.asarray(images, dtype=np.float32)
    if images.max() > 1.0:
        images = images / 255.0
    return np.stack([hog(img, feature_vector=True, **params) for img in images]).astype(np.float32)


def hog_picture(image, **spec) -> np.ndarray:
    """The HOG visualisation of one image (each cell drawn as its orientation histogram)."""
    from skimage.exposure import rescale_intensity
    from skimage.feature import hog

    params = {**HOG_SPEC, **spec}
    _, picture = hog(np.asarray(image, dtype=np.float32), visualize=True, **params)
    return rescale_intensity(picture, in_range=(0, max(picture.max(), 1e-12)))


def evaluate_classifier(model, x_train, y_train, x_test, y_test, n_classes: int | None = None) -> dict:
    """Fit a scikit-learn style ``model`` on the training set and score it on the test set.

    Returns ``{"accuracy", "confusion" (rows = true class, columns = predicted), "fit_seconds",
    "predict_seconds"}``; times are wall-clock seconds.
    """
    from sklearn.metrics import confusion_matrix

    start = time.perf_counter()
    model.fit(x_train, y_train)
    fitted = time.perf_counter()
    pred = model.predict(x_test)
    done = time.perf_counter()
    labels = np.arange(n_classes) if n_classes else np.unique(np.concatenate([y_train, y_test]))
    return {"accuracy": float(np.mean(pred == y_test)),
            "confusion": confusion_matrix(y_test, pred, labels=labels),
            "fit_seconds": fitted - start, "predict_seconds": done - fitted}
