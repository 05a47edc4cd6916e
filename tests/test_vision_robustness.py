import keras
import numpy as np
import pytest

from cnncourse.vision.robustness import accuracy_under_attack, fgsm, input_gradient


def linear_model(weights):
    """Logits = x.flatten() @ weights (no bias): its input gradient is known in closed form."""
    model = keras.Sequential([keras.Input((2, 2, 1)), keras.layers.Flatten(), keras.layers.Dense(2, use_bias=False)])
    model.layers[-1].set_weights([np.asarray(weights, "float32")])
    return model


def test_fgsm_steps_along_the_sign_of_the_loss_gradient_and_clips():
    w = np.array([[1.0, -1.0], [-2.0, 2.0], [0.5, -0.5], [3.0, -3.0]])
    model = linear_model(w)
    x = np.array([[[[0.5], [1.0]], [[0.0], [0.3]]]], "float32")
    # class 0: d loss / d logit0 < 0, d loss / d logit1 > 0, so grad_x is proportional to (w[:, 1] - w[:, 0])
    expected_sign = np.sign(w[:, 1] - w[:, 0]).reshape(1, 2, 2, 1)
    assert np.array_equal(np.sign(input_gradient(model, x, [0])), expected_sign)
    x_adv = fgsm(model, x, [0], 0.1)
    assert np.allclose(x_adv, np.clip(x + 0.1 * expected_sign, 0, 1))
    assert expected_sign[0, 0, 1, 0] == 1 and x_adv[0, 0, 1, 0] == 1.0      # 1.0 + 0.1 clipped to 1
    assert expected_sign[0, 1, 0, 0] == -1 and x_adv[0, 1, 0, 0] == 0.0     # 0.0 - 0.1 clipped to 0
    with pytest.raises(ValueError, match="epsilon"):
        fgsm(model, x, [0], -0.1)


def test_accuracy_under_attack_fgsm_hurts_more_than_random_sign():
    rng = np.random.default_rng(0)
    w = rng.normal(size=(4, 2))
    model = linear_model(w)
    x = rng.uniform(0.2, 0.8, size=(200, 2, 2, 1)).astype("float32")
    y = (x.reshape(200, 4) @ w).argmax(axis=1)          # the model is right on every clean image
    result = accuracy_under_attack(model, x, y, [0.0, 0.2])
    assert result["fgsm"][0] == result["random sign"][0] == 1.0
    assert result["fgsm"][1] < result["random sign"][1]
