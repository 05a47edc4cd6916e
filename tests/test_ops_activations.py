import numpy as np
import pytest

from cnncourse.ops.activations import ACTIVATIONS, tape_value_and_grad


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_formulas_match_tensorflow_and_gradient_tape(name):
    f, df = ACTIVATIONS[name]
    x = np.concatenate([np.linspace(-8, 8, 81) + 0.013, [-40.0, 40.0]])
    y_tf, dy_tf = tape_value_and_grad(name, x)
    np.testing.assert_allclose(f(x), y_tf, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(df(x), dy_tf, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_derivatives_match_finite_differences(name):
    f, df = ACTIVATIONS[name]
    x, h = np.linspace(-3, 3, 25) + 0.031, 1e-6
    np.testing.assert_allclose(df(x), (f(x + h) - f(x - h)) / (2 * h), rtol=1e-5, atol=1e-7)


def test_sigmoid_does_not_overflow():
    f, df = ACTIVATIONS["sigmoid"]
    with np.errstate(over="raise", invalid="raise"):
        assert f(np.array([-1000.0]))[0] == 0.0 and f(np.array([1000.0]))[0] == 1.0
        assert df(np.array([-1000.0]))[0] == 0.0
