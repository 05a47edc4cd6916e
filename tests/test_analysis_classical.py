"""HOG features and the classifier evaluation helper."""
import numpy as np
from skimage.feature import hog
from sklearn.neighbors import KNeighborsClassifier

from cnncourse.analysis import classical


def test_hog_features_shape_and_values():
    x = (np.random.default_rng(0).random((3, 28, 28)) * 255).astype(np.uint8)
    f = classical.hog_features(x)
    assert f.shape == (3, 324) and f.dtype == np.float32
    np.testing.assert_allclose(f[1], hog(x[1] / 255.0, **classical.HOG_SPEC), rtol=1e-5, atol=1e-6)
    assert classical.hog_picture(x[0] / 255.0).shape == (28, 28)


def test_evaluate_classifier():
    x = np.array([[0.0], [1.0], [10.0], [11.0]]); y = np.array([0, 0, 1, 1])
    r = classical.evaluate_classifier(KNeighborsClassifier(1), x, y, np.array([[0.5], [10.5], [0.2]]), np.array([0, 1, 1]))
    assert r["accuracy"] == 2 / 3 and r["confusion"].tolist() == [[1, 0], [1, 1]] and r["fit_seconds"] >= 0
