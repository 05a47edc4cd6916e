"""Self-supervised pre-training: a SimCLR-style contrastive pretext task on unlabelled images.

Used in lesson 18.

Two random augmentations of the same image (:func:`augment`: crop-and-resize, flip, contrast,
noise) should map to nearby embeddings, augmentations of different images to distant ones: the
NT-Xent loss (:func:`nt_xent_loss`; Chen et al., 2020, "SimCLR") is a softmax cross-entropy that
picks each view's partner out of the batch. No label is used. :class:`ContrastivePretrainer` trains
an :func:`encoder` with it; ``scripts/pretrain_selfsupervised.py`` ran it offline on the 60,000
Fashion-MNIST training images and stored the encoder in ``data/selfsupervised_encoder.weights.h5``
(:func:`load_pretrained_encoder`). :func:`linear_probe` then fits a logistic regression on the frozen
features of a few labelled images.
"""
from __future__ import annotations

from pathlib import Path

import keras
import numpy as np
import tensorflow as tf
from keras import layers

WEIGHTS_FILE = Path(__file__).resolve().parents[2] / "data" / "selfsupervised_encoder.weights.h5"
ENCODER_FILTERS = (16, 32, 128)


def encoder(filters=ENCODER_FILTERS, input_shape=(28, 28, 1), name: str = "encoder") -> keras.Model:
    """[conv3x3 -> batch norm -> relu (-> maxpool2 except after the last)] per f -> global average pool.

    Outputs one feature vector of ``filters[-1]`` numbers per image. Batch-norm momentum 0.9, so
    its moving statistics settle within tens of steps (a short from-scratch run is evaluated fairly).
    """
    inputs = keras.Input(shape=input_shape, name="image")
    x = inputs
    for i, f in enumerate(filters, start=1):
        x = layers.Conv2D(f, 3, padding="same", use_bias=False, name=f"conv{i}")(x)
        x = layers.BatchNormalization(momentum=0.9, name=f"bn{i}")(x)
        x = layers.ReLU(name=f"relu{i}")(x)
        if i < len(filters):
            x = layers.MaxPooling2D(2, name=f"pool{i}")(x)
    features = layers.GlobalAveragePooling2D(name="features")(x)
    return keras.Model(inputs, features, name=name)


def classifier(encoder_model: keras.Model, num_classes: int = 10, name: str = "classifier") -> keras.Model:
    """``encoder_model`` followed by one dense logit layer (the from-scratch baseline of lesson 18)."""
    logits = layers.Dense(num_classes, name="logits")(encoder_model.output)
    return keras.Model(encoder_model.input, logits, name=name)


def projection_head(dim_in: int = ENCODER_FILTERS[-1], dim_out: int = 64, name: str = "projection") -> keras.Model:
    """dense(relu) -> dense: the small MLP SimCLR puts between the features and the loss (dropped afterwards)."""
    inputs = keras.Input(shape=(dim_in,))
    x = layers.Dense(dim_in, activation="relu", name="proj_hidden")(inputs)
    return keras.Model(inputs, layers.Dense(dim_out, name="proj_out")(x), name=name)


def augment(x, seed_generator, min_area: float = 0.25, noise: float = 0.05):
    """One random view of each image of a batch ``x`` (N, H, W, C) in [0, 1].

    A random crop covering ``min_area``..1 of the image (aspect ratio 3/4..4/3), resized back to
    H x W; a horizontal flip half of the time; a random contrast (x0.6..1.4) and brightness
    (-0.2..0.2) change; Gaussian noise of standard deviation ``noise``; clipped to [0, 1].
    """
    x = tf.convert_to_tensor(x, dtype="float32")
    n, height, width = tf.shape(x)[0], x.shape[1], x.shape[2]
    area = keras.random.uniform((n,), min_area, 1.0, seed=seed_generator)
    log_ratio = keras.random.uniform((n,), np.log(3 / 4), np.log(4 / 3), seed=seed_generator)
    h = tf.minimum(tf.sqrt(area / tf.exp(log_ratio)), 1.0)   # box size as a fraction of the image
    w = tf.minimum(tf.sqrt(area * tf.exp(log_ratio)), 1.0)
    top = keras.random.uniform((n,), seed=seed_generator) * (1.0 - h)
    left = keras.random.uniform((n,), seed=seed_generator) * (1.0 - w)
    boxes = tf.stack([top, left, top + h, left + w], axis=1)
    x = tf.image.crop_and_resize(x, boxes, tf.range(n), (height, width))
    flip = keras.random.uniform((n, 1, 1, 1), seed=seed_generator) < 0.5
    x = tf.where(flip, tf.reverse(x, axis=[2]), x)
    contrast = keras.random.uniform((n, 1, 1, 1), 0.6, 1.4, seed=seed_generator)
    brightness = keras.random.uniform((n, 1, 1, 1), -0.2, 0.2, seed=seed_generator)
    mean = tf.reduce_mean(x, axis=[1, 2, 3], keepdims=True)
    x = (x - mean) * contrast + mean + brightness
    x = x + noise * keras.random.normal(tf.shape(x), seed=seed_generator)
    return tf.clip_by_value(x, 0.0, 1.0)


def nt_xent_loss(z1, z2, temperature: float = 0.2):
    """NT-Xent (normalised temperature-scaled cross-entropy) of two batches of embeddings.

    Row i of ``z1`` and row i of ``z2`` are two views of one image. Every one of the 2N embeddings
    is L2-normalised; its cosine similarities to the 2N - 1 others, divided by ``temperature``,
    are the logits of a softmax whose correct class is its partner. Returns the mean cross-entropy.
    """
    if temperature <= 0:
        raise ValueError(f"temperature must be > 0, got {temperature}")
    z = tf.math.l2_normalize(tf.concat([tf.convert_to_tensor(z1), tf.convert_to_tensor(z2)], axis=0), axis=1)
    n2 = tf.shape(z)[0]
    logits = tf.matmul(z, z, transpose_b=True) / temperature
    logits = logits - 1e9 * tf.eye(n2, dtype=logits.dtype)        # an embedding is not its own partner
    partner = tf.concat([tf.range(n2 // 2, n2), tf.range(0, n2 // 2)], axis=0)
    loss = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=partner, logits=logits)
    return tf.reduce_mean(loss)


class ContrastivePretrainer(keras.Model):
    """``fit(images)`` trains ``encoder_model`` (+ a projection head) with NT-Xent on two views per image.

    The images' labels, if given, are ignored. Metric: ``loss``.
    """

    def __init__(self, encoder_model: keras.Model, temperature: float = 0.2, proj_dim: int = 64,
                 seed: int = 0, **kwargs):
        super().__init__(**kwargs)
        self.encoder = encoder_model
        self.projection = projection_head(encoder_model.output.shape[-1], proj_dim)
        self.temperature = temperature
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.loss_metric = keras.metrics.Mean(name="loss")

    def compile(self, optimizer, **kwargs):
        super().compile(optimizer=optimizer, **kwargs)
        self.optimizer.build(self.trainable_variables)   # slots now: the first train_step is traced once

    @property
    def metrics(self):
        return [self.loss_metric]

    def call(self, x, training=False):
        return self.projection(self.encoder(x, training=training), training=training)

    def train_step(self, images):
        if isinstance(images, tuple):
            images = images[0]
        view1, view2 = augment(images, self.seed_generator), augment(images, self.seed_generator)
        with tf.GradientTape() as tape:
            loss = nt_xent_loss(self(view1, training=True), self(view2, training=True), self.temperature)
        grads = tape.gradient(loss, self.trainable_variables)
        self.optimizer.apply_gradients(zip(grads, self.trainable_variables))
        self.loss_metric.update_state(loss)
        return {"loss": self.loss_metric.result()}


def load_pretrained_encoder(path=WEIGHTS_FILE) -> keras.Model:
    """The :func:`encoder` with the weights ``scripts/pretrain_selfsupervised.py`` stored in ``path``."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no pre-trained encoder weights at {path}; re-make them with "
                                "`python scripts/pretrain_selfsupervised.py`")
    model = encoder()
    model.load_weights(str(path))
    return model


def features(encoder_model: keras.Model, x, batch_size: int = 1000) -> np.ndarray:
    """Frozen features of ``x`` (inference mode), computed in plain batched calls."""
    x = np.asarray(x, dtype="float32")
    return np.concatenate([np.asarray(encoder_model(x[i:i + batch_size], training=False))
                           for i in range(0, len(x), batch_size)])


def linear_probe(train_features, train_labels, test_features, test_labels, c: float = 1.0) -> float:
    """Test accuracy of a logistic regression on standardised frozen features (scikit-learn)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    probe = make_pipeline(StandardScaler(), LogisticRegression(C=c, max_iter=2000))
    probe.fit(train_features, train_labels)
    return float(probe.score(test_features, test_labels))
