"""A small DCGAN for 28x28 grayscale images (pixels scaled to [-1, 1]).

Generator: z -> dense 7x7xC -> two stride-2 transposed convolutions -> tanh image.
Discriminator: two stride-2 convolutions (LeakyReLU) -> one logit (real vs fake).
:class:`DCGAN` alternates one discriminator and one generator step per batch with the
non-saturating GAN loss (Goodfellow et al., 2014; Radford et al., 2016).

Used in lesson 18.
"""
from __future__ import annotations

import keras
import tensorflow as tf
from keras import layers


def dcgan_generator(latent_dim: int = 32, width: int = 32, name: str = "generator") -> keras.Model:
    z = keras.Input(shape=(latent_dim,), name="z")
    x = layers.Dense(7 * 7 * 2 * width, use_bias=False)(z)
    x = layers.BatchNormalization()(x)
    x = layers.LeakyReLU(0.2)(x)
    x = layers.Reshape((7, 7, 2 * width))(x)
    x = layers.Conv2DTranspose(width, 4, strides=2, padding="same", use_bias=False)(x)   # 14x14
    x = layers.BatchNormalization()(x)
    x = layers.LeakyReLU(0.2)(x)
    x = layers.Conv2DTranspose(width // 2, 4, strides=2, padding="same", use_bias=False)(x)  # 28x28
    x = layers.BatchNormalization()(x)
    x = layers.LeakyReLU(0.2)(x)
    image = layers.Conv2D(1, 3, padding="same", activation="tanh", name="image")(x)
    return keras.Model(z, image, name=name)


def dcgan_discriminator(input_shape=(28, 28, 1), width: int = 32, name: str = "discriminator") -> keras.Model:
    image = keras.Input(shape=input_shape, name="image")
    x = layers.Conv2D(width, 4, strides=2, padding="same")(image)   # 14x14
    x = layers.LeakyReLU(0.2)(x)
    x = layers.Conv2D(2 * width, 4, strides=2, padding="same")(x)   # 7x7
    x = layers.LeakyReLU(0.2)(x)
    x = layers.Flatten()(x)
    x = layers.Dropout(0.3)(x)
    logit = layers.Dense(1, name="real_logit")(x)
    return keras.Model(image, logit, name=name)


class DCGAN(keras.Model):
    """``fit(real_images)`` trains both networks; metrics ``d_loss`` and ``g_loss``."""

    def __init__(self, generator: keras.Model, discriminator: keras.Model, latent_dim: int = 32, seed: int = 0, **kwargs):
        super().__init__(**kwargs)
        self.generator, self.discriminator, self.latent_dim = generator, discriminator, latent_dim
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.bce = keras.losses.BinaryCrossentropy(from_logits=True)
        self.d_loss_metric = keras.metrics.Mean(name="d_loss")
        self.g_loss_metric = keras.metrics.Mean(name="g_loss")

    def compile(self, d_optimizer, g_optimizer, **kwargs):
        super().compile(**kwargs)
        self.d_optimizer, self.g_optimizer = d_optimizer, g_optimizer
        # Create the optimizer slots now: built lazily inside the first traced train_step, they make
        # TensorFlow trace it twice (about 2 s). Same initial state (zeros) either way.
        self.d_optimizer.build(self.discriminator.trainable_variables)
        self.g_optimizer.build(self.generator.trainable_variables)

    @property
    def metrics(self):
        return [self.d_loss_metric, self.g_loss_metric]

    def call(self, z, training=False):
        return self.generator(z, training=training)

    def train_step(self, real):
        if isinstance(real, tuple):
            real = real[0]
        n = tf.shape(real)[0]
        z = keras.random.normal((n, self.latent_dim), seed=self.seed_generator)
        with tf.GradientTape() as tape:  # discriminator: real -> 1, fake -> 0
            fake = self.generator(z, training=True)
            real_logit = self.discriminator(real, training=True)
            fake_logit = self.discriminator(fake, training=True)
            d_loss = self.bce(tf.ones_like(real_logit), real_logit) + self.bce(tf.zeros_like(fake_logit), fake_logit)
        grads = tape.gradient(d_loss, self.discriminator.trainable_weights)
        self.d_optimizer.apply_gradients(zip(grads, self.discriminator.trainable_weights))
        z = keras.random.normal((n, self.latent_dim), seed=self.seed_generator)
        with tf.GradientTape() as tape:  # generator: make the discriminator say 1 (non-saturating loss)
            fake_logit = self.discriminator(self.generator(z, training=True), training=True)
            g_loss = self.bce(tf.ones_like(fake_logit), fake_logit)
        grads = tape.gradient(g_loss, self.generator.trainable_weights)
        self.g_optimizer.apply_gradients(zip(grads, self.generator.trainable_weights))
        self.d_loss_metric.update_state(d_loss)
        self.g_loss_metric.update_state(g_loss)
        return {m.name: m.result() for m in self.metrics}
