"""Looking inside a CNN: activation maps, filters, gradient saliency, CAM and Grad-CAM.

Used in lesson 13.

The from-scratch versions here follow tf-keras-vis's conventions so the two can be compared:
maps are computed for a *logit* (pre-softmax score), rectified (Grad-CAM) or made absolute
(saliency), and min-max normalised to [0, 1] per image.
"""
from __future__ import annotations

import contextlib

import numpy as np

EPS = 1e-7  # keras.backend.epsilon(), as tf-keras-vis uses


def normalize_maps(maps) -> np.ndarray:
    """Min-max normalise each map of a batch (N, ...) to [0, 1], as tf-keras-vis does."""
    maps = np.asarray(maps, dtype=np.float32)
    axes = tuple(range(1, maps.ndim))
    low, high = maps.min(axis=axes, keepdims=True), maps.max(axis=axes, keepdims=True)
    return (maps - low) / (high - low + EPS)


def upsample(maps, size) -> np.ndarray:
    """Resize a batch of 2-D maps (N, h, w) to ``size`` = (H, W) bilinearly (for overlays)."""
    import tensorflow as tf

    maps = np.asarray(maps, dtype=np.float32)[..., None]
    return tf.image.resize(maps, size, method="bilinear").numpy()[..., 0]


def activation_model(model, layer_names):
    """A model returning the outputs of ``layer_names`` (a list) for ``model``'s input."""
    import keras

    return keras.Model(model.input, [model.get_layer(name).output for name in layer_names])


def grad_cam(model, images, class_index, layer_name) -> np.ndarray:
    """Reference Grad-CAM (Selvaraju et al. 2017) at the resolution of ``layer_name``.

    ``model`` outputs logits. For each image, the channel weights are the spatial mean of
    d logit[class] / d A; the map is ReLU(sum_k w_k A_k), min-max normalised. Returns (N, h, w).
    """
    import keras
    import tensorflow as tf

    images = tf.convert_to_tensor(np.asarray(images, dtype=np.float32))
    classes = np.broadcast_to(np.asarray(class_index), (images.shape[0],))
    both = keras.Model(model.input, [model.get_layer(layer_name).output, model.output])
    with tf.GradientTape() as tape:
        features, logits = both(images, training=False)
        score = tf.gather(logits, classes, axis=1, batch_dims=1)
    grads = tape.gradient(score, features)
    weights = tf.reduce_mean(grads, axis=(1, 2), keepdims=True)
    cam = tf.nn.relu(tf.reduce_sum(features * weights, axis=-1))
    return normalize_maps(cam.numpy())


def saliency(model, images, class_index) -> np.ndarray:
    """Vanilla gradient saliency (Simonyan et al. 2014): max over channels of |d logit / d x|, normalised.

    Returns (N, H, W).
    """
    import tensorflow as tf

    images = tf.convert_to_tensor(np.asarray(images, dtype=np.float32))
    classes = np.broadcast_to(np.asarray(class_index), (images.shape[0],))
    with tf.GradientTape() as tape:
        tape.watch(images)
        logits = model(images, training=False)
        score = tf.gather(logits, classes, axis=1, batch_dims=1)
    grads = tape.gradient(score, images)
    return normalize_maps(tf.reduce_max(tf.abs(grads), axis=-1).numpy())


def class_activation_map(model, images, class_index, layer_name, dense_name) -> np.ndarray:
    """CAM (Zhou et al. 2016) for a conv -> global-average-pool -> dense classifier.

    The map is sum_k w[k, class] A_k with w the dense kernel: no gradients needed.
    Rectified and min-max normalised like Grad-CAM; returns (N, h, w).
    """
    import keras

    features = keras.Model(model.input, model.get_layer(layer_name).output).predict(
        np.asarray(images, dtype=np.float32), verbose=0)
    kernel = model.get_layer(dense_name).get_weights()[0]  # (channels, classes)
    classes = np.broadcast_to(np.asarray(class_index), (features.shape[0],))
    cam = np.einsum("nhwk,kn->nhw", features, kernel[:, classes])
    return normalize_maps(np.maximum(cam, 0))


@contextlib.contextmanager
def quiet_keras():
    """Silence Keras progress bars (tf-keras-vis's Score-CAM calls ``model.predict``)."""
    import keras

    keras.config.disable_interactive_logging()
    try:
        yield
    finally:
        keras.config.enable_interactive_logging()


def tf_keras_vis_maps(model, images, class_index, layer_name, methods=("gradcam", "gradcam++", "scorecam"),
                      max_n: int = 16, expand: bool = True) -> dict[str, np.ndarray]:
    """Class maps from tf-keras-vis for a functional ``model`` that outputs logits.

    ``methods`` from "gradcam", "gradcam++", "scorecam" (Faster-Score-CAM with ``max_n``
    channels) and "saliency". Maps are normalised to [0, 1]; with ``expand`` CAMs are resized
    to the input size (tf-keras-vis's linear zoom).
    """
    from tf_keras_vis.gradcam import Gradcam
    from tf_keras_vis.gradcam_plus_plus import GradcamPlusPlus
    from tf_keras_vis.saliency import Saliency
    from tf_keras_vis.scorecam import Scorecam
    from tf_keras_vis.utils.scores import CategoricalScore

    images = np.asarray(images, dtype=np.float32)
    classes = list(np.broadcast_to(np.asarray(class_index), (images.shape[0],)).tolist())
    score = CategoricalScore(classes)
    common = dict(penultimate_layer=layer_name, seek_penultimate_conv_layer=False, expand_cam=expand)
    out = {}
    with quiet_keras():
        for method in methods:
            if method == "gradcam":
                out[method] = Gradcam(model, clone=False)(score, images, **common)
            elif method == "gradcam++":
                out[method] = GradcamPlusPlus(model, clone=False)(score, images, **common)
            elif method == "scorecam":
                out[method] = Scorecam(model, clone=False)(score, images, max_N=max_n, batch_size=64, **common)
            elif method == "saliency":
                out[method] = Saliency(model, clone=False)(score, images)
            else:
                raise ValueError(f"unknown method {method!r}")
    return {k: np.asarray(v, dtype=np.float32) for k, v in out.items()}


def overlay(ax, image, heatmap, title: str = "", alpha: float = 0.45, cmap: str = "jet") -> None:
    """Show ``image`` (H, W[, 3], 0..255 or 0..1) with ``heatmap`` (resized to it) on top."""
    image = np.asarray(image, dtype=np.float32)
    if image.max() > 1.5:
        image = image / 255.0
    heat = np.asarray(heatmap, dtype=np.float32)
    if heat.shape != image.shape[:2]:
        heat = upsample(heat[None], image.shape[:2])[0]
    ax.imshow(image.squeeze(), cmap="gray" if image.ndim == 2 or image.shape[-1] == 1 else None)
    ax.imshow(heat, cmap=cmap, alpha=alpha, vmin=0, vmax=1)
    ax.set_title(title, fontsize=9)
    ax.axis("off")


def plot_filters(kernel, ax_grid=None, max_filters: int = 32, title: str = ""):
    """Show first-layer conv filters (kh, kw, c_in, c_out) as small images; RGB when c_in == 3."""
    import matplotlib.pyplot as plt

    kernel = np.asarray(kernel)[..., :max_filters]
    n = kernel.shape[-1]
    cols = min(n, 16)
    rows = int(np.ceil(n / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(cols * 0.55, rows * 0.6 + 0.3))
    for i, ax in enumerate(np.ravel(axes)):
        ax.axis("off")
        if i >= n:
            continue
        f = kernel[..., i]
        f = (f - f.min()) / (f.max() - f.min() + EPS)
        ax.imshow(f if f.shape[-1] == 3 else f[..., 0], cmap=None if f.shape[-1] == 3 else "gray")
    fig.suptitle(title, fontsize=9)
    return fig


def plot_activations(maps, max_maps: int = 8, title: str = "", axes=None):
    """Show the first ``max_maps`` channels of one activation tensor (h, w, c) in a row."""
    import matplotlib.pyplot as plt

    maps = np.asarray(maps)
    n = min(max_maps, maps.shape[-1])
    if axes is None:
        _, axes = plt.subplots(1, n, figsize=(n * 0.9, 1.1))
    for i, ax in enumerate(np.ravel(axes)[:n]):
        ax.imshow(maps[..., i], cmap="viridis")
        ax.axis("off")
    np.ravel(axes)[0].set_title(title, fontsize=8, loc="left")
    return axes


def gap_cnn(input_shape=(28, 28, 1), num_classes: int = 10, filters=(16, 32, 64), name: str = "gap_cnn"):
    """A small functional CNN whose last conv (``last_conv``) feeds global average pooling and a
    dense layer ``logits`` (no softmax): the architecture CAM needs. Inputs in 0..1."""
    import keras
    from keras import layers

    inputs = keras.Input(input_shape, name="image")
    x = inputs
    for i, f in enumerate(filters):
        last = i == len(filters) - 1
        x = layers.Conv2D(f, 3, padding="same", activation="relu", name="last_conv" if last else f"conv{i + 1}")(x)
        if not last:
            x = layers.MaxPooling2D(name=f"pool{i + 1}")(x)
    x = layers.GlobalAveragePooling2D(name="gap")(x)
    outputs = layers.Dense(num_classes, name="logits")(x)
    return keras.Model(inputs, outputs, name=name)


def guided_backprop(model, images, class_index) -> np.ndarray:
    """Guided Backpropagation (Springenberg et al. 2015) with tf-keras-vis: ReLU gradients pass only
    where both the input and the incoming gradient are positive. Normalised (N, H, W) maps.

    ``model`` is cloned first, so its own ReLUs are left untouched.
    """
    from tf_keras_vis.saliency import Saliency
    from tf_keras_vis.utils.model_modifiers import GuidedBackpropagation
    from tf_keras_vis.utils.scores import CategoricalScore

    images = np.asarray(images, dtype=np.float32)
    classes = list(np.broadcast_to(np.asarray(class_index), (images.shape[0],)).tolist())
    with quiet_keras():
        maps = Saliency(model, model_modifier=GuidedBackpropagation(), clone=True)(CategoricalScore(classes), images)
    return np.asarray(maps, dtype=np.float32)


def randomized_cascade(model, layer_names, seed: int = 1):
    """Adebayo et al. (2018)'s cascading model randomisation.

    ``layer_names`` from the output down; yields ``(name, copy)`` where ``copy`` has every layer up to
    and including ``name`` re-initialised with its own initializers (drawn with ``seed``) and the rest
    trained. Use a seed other than the one the model was initialised with, or the "random" weights
    are the model's own starting point.
    """
    import keras

    known = {layer.name for layer in model.layers}
    missing = [name for name in layer_names if name not in known]
    if missing:
        raise ValueError(f"layers {missing} are not in model {model.name!r}")
    keras.utils.set_random_seed(seed)
    fresh = keras.models.clone_model(model)  # same architecture, freshly initialised weights
    randomized = set()
    for name in layer_names:
        randomized.add(name)
        copy = keras.models.clone_model(model)
        for layer, source in zip(copy.layers, model.layers):
            donor = fresh.get_layer(source.name) if source.name in randomized else source
            layer.set_weights(donor.get_weights())
        yield name, copy


def rank_correlation(maps_a, maps_b) -> np.ndarray:
    """Spearman rank correlation between paired maps, one value per image (N,).

    A constant map has no ranking: its correlation is reported as 0 (nothing of the original survives).
    """
    from scipy.stats import spearmanr

    a = np.asarray(maps_a, dtype=np.float64).reshape(len(maps_a), -1)
    b = np.asarray(maps_b, dtype=np.float64).reshape(len(maps_b), -1)
    if a.shape != b.shape:
        raise ValueError(f"maps differ in shape: {a.shape} vs {b.shape}")
    out = np.zeros(len(a))
    for i, (u, v) in enumerate(zip(a, b)):
        if np.ptp(u) > 0 and np.ptp(v) > 0:
            out[i] = spearmanr(u, v).statistic
    return out


def occlusion_map(predict_probs, image, class_index: int, patch: int, stride: int, fill=None,
                  batch_size: int = 64) -> np.ndarray:
    """Occlusion sensitivity (Zeiler & Fergus, 2014): slide a ``patch`` x ``patch`` square of ``fill``
    (default: the image's mean colour) over ``image`` (H, W, C) with ``stride`` and record how much
    the probability of ``class_index`` drops. ``predict_probs`` maps a batch to probabilities.
    Returns the (rows, cols) map of drops (positive = the patch hid evidence for the class).
    """
    image = np.asarray(image, dtype=np.float32)
    height, width = image.shape[:2]
    if patch > min(height, width) or patch < 1 or stride < 1:
        raise ValueError(f"patch {patch} must fit in the {height}x{width} image and stride {stride} be >= 1")
    fill = image.mean(axis=(0, 1)) if fill is None else fill
    tops, lefts = range(0, height - patch + 1, stride), range(0, width - patch + 1, stride)
    batch = []
    for top in tops:
        for left in lefts:
            occluded = image.copy()
            occluded[top:top + patch, left:left + patch] = fill
            batch.append(occluded)
    batch = np.stack(batch)
    base = float(np.asarray(predict_probs(image[None]))[0, class_index])
    probs = np.concatenate([np.asarray(predict_probs(batch[i:i + batch_size]))[:, class_index]
                            for i in range(0, len(batch), batch_size)])
    return (base - probs).reshape(len(tops), len(lefts))
