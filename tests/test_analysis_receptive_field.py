"""Receptive-field formula against hand-computed values and against gradients of real Keras models."""
import keras
import numpy as np

from cnncourse.analysis import receptive_field as rf


def test_formula_known_values():
    assert rf.receptive_field([(3, 1), (3, 1), (3, 1)]) == [(3, 1), (5, 1), (7, 1)]
    assert rf.receptive_field([(3, 1), (2, 2), (3, 1)]) == [(3, 1), (4, 2), (8, 2)]
    # AlexNet conv1 (11, stride 4) then pool (3, stride 2)
    assert rf.receptive_field([(11, 4), (3, 2)]) == [(11, 4), (19, 8)]


def _model():
    inputs = keras.Input((32, 32, 1))
    h = keras.layers.Conv2D(2, 3, activation="relu", name="c1")(inputs)
    h = keras.layers.MaxPooling2D(2, name="p1")(h)
    h = keras.layers.Conv2D(2, 5, strides=2, name="c2")(h)
    return keras.Model(inputs, h)


def test_layer_geometry_reads_kernels_and_strides():
    assert rf.layer_geometry(_model()) == [("c1", 3, 1), ("p1", 2, 2), ("c2", 5, 2)]


def test_gradient_measurement_matches_formula():
    model = _model()
    expected = rf.receptive_field([(k, s) for _, k, s in rf.layer_geometry(model)])[-1][0]
    assert expected == 3 + 1 + 4 * 2 == 12
    assert rf.empirical_receptive_field(model, (32, 32, 1)) == (12, 12)
    grad = rf.input_gradient(model, (32, 32, 1))
    assert grad.shape == (32, 32) and np.count_nonzero(grad) <= 12 * 12
