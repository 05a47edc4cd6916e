"""Checkers for lesson 13 (interpretability): Grad-CAM and saliency against tf-keras-vis."""
from __future__ import annotations

import numpy as np

from cnncourse.checks.expect import case_rng, expect_close, expect_shape, expect_true, hidden_cases
from cnncourse.checks.registry import exercise


def _hidden_model_and_inputs(seed: int, n: int = 3):
    """A small random functional CNN (logits out) and inputs on which its maps are not trivial."""
    import keras

    from cnncourse.vision.interpret import gap_cnn

    keras.utils.set_random_seed(seed)
    model = gap_cnn((20, 20, 2), num_classes=5, filters=(6, 8))
    rng = case_rng(seed)
    images = rng.uniform(0, 1, size=(n, 20, 20, 2)).astype(np.float32)
    images[:, 5:12, 8:15] += 1.0  # a bright patch, so maps have structure
    classes = rng.integers(0, 5, size=n)
    return model, images, classes


def _reference_gradcam(model, images, classes, layer):
    from tf_keras_vis.gradcam import Gradcam
    from tf_keras_vis.utils.scores import CategoricalScore

    cam = Gradcam(model, clone=False)(CategoricalScore(list(classes.tolist())), images, penultimate_layer=layer,
                                      seek_penultimate_conv_layer=False, expand_cam=False)
    return np.asarray(cam, dtype=np.float32)


def _reference_saliency(model, images, classes):
    from tf_keras_vis.saliency import Saliency
    from tf_keras_vis.utils.scores import CategoricalScore

    return np.asarray(Saliency(model, clone=False)(CategoricalScore(list(classes.tolist())), images), dtype=np.float32)


@exercise("13.grad_cam", points=2, title="Grad-CAM from scratch")
def grad_cam(student_fn):
    """``grad_cam(model, images, class_index, layer_name)`` -> (N, h, w) maps in [0, 1], as tf-keras-vis."""
    for seed, layer, n in [(13, "last_conv", 3), (14, "conv1", 3)] + hidden_cases("13.grad_cam"):
        model, images, classes = _hidden_model_and_inputs(seed, n)
        want = _reference_gradcam(model, images, classes, layer)
        got = np.asarray(student_fn(model, images, classes, layer), dtype=np.float32)
        expect_shape(got, want.shape, f"Grad-CAM at {layer!r}")
        expect_true(np.ptp(got) > 0, "every map is constant. Hint: weight the feature maps by the mean gradient "
                    "of the class *logit*, sum over channels, ReLU, then min-max normalise each map")
        expect_close(got, want, f"Grad-CAM at {layer!r}", atol=1e-3, rtol=1e-3,
                     hint="weights = mean of d(logit of the class)/d(feature map) over height and width; "
                          "cam = ReLU(sum_k weights_k * A_k); normalise each map: (cam - min) / (max - min + 1e-7)")
    return "2 hidden models and layers match tf-keras-vis Gradcam"


@exercise("13.saliency", points=1, title="vanilla gradient saliency")
def saliency(student_fn):
    """``saliency(model, images, class_index)`` -> (N, H, W) normalised |gradient| maps, as tf-keras-vis."""
    for seed, n in [(21, 3), (22, 3)] + hidden_cases("13.saliency"):
        model, images, classes = _hidden_model_and_inputs(seed, n)
        want = _reference_saliency(model, images, classes)
        got = np.asarray(student_fn(model, images, classes), dtype=np.float32)
        expect_shape(got, want.shape, "saliency map")
        expect_close(got, want, "saliency map", atol=1e-3, rtol=1e-3,
                     hint="take the gradient of each image's class logit w.r.t. the input pixels, its absolute "
                          "value, the max over channels, then min-max normalise each map")
    return "2 hidden models match tf-keras-vis Saliency"
