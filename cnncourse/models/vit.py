"""A tiny Vision Transformer (ViT) for 28x28 images: patches -> tokens -> self-attention.

Patch embedding is a Conv2D with kernel = stride = patch size (one linear map per patch),
plus learned position embeddings; then ``depth`` pre-norm transformer blocks
(MultiHeadAttention + MLP, residual connections); mean-pool the tokens; dense logits.

Used in lesson 18.
"""
from __future__ import annotations

import keras
from keras import layers


class AddPositionEmbedding(layers.Layer):
    """Add a learned vector to each token position: (N, L, d) -> (N, L, d)."""

    def build(self, input_shape):
        self.pos = self.add_weight(shape=(1, input_shape[1], input_shape[2]),
                                   initializer=keras.initializers.RandomNormal(stddev=0.02), name="pos")

    def call(self, x):
        return x + self.pos


def tiny_vit(input_shape=(28, 28, 1), patch: int = 4, dim: int = 32, depth: int = 2, heads: int = 4,
             mlp_dim: int = 64, num_classes: int = 10, name: str = "tiny_vit") -> keras.Model:
    """Functional ViT with logit outputs; attention layers are named ``block{i}_attn``."""
    inputs = keras.Input(shape=input_shape, name="image")
    x = layers.Conv2D(dim, patch, strides=patch, name="patch_embed")(inputs)
    grid = (input_shape[0] // patch) * (input_shape[1] // patch)
    x = layers.Reshape((grid, dim), name="tokens")(x)
    x = AddPositionEmbedding(name="pos_embed")(x)
    for i in range(1, depth + 1):
        h = layers.LayerNormalization(epsilon=1e-6, name=f"block{i}_norm1")(x)
        h = layers.MultiHeadAttention(heads, dim // heads, name=f"block{i}_attn")(h, h)
        x = layers.Add(name=f"block{i}_add1")([x, h])
        h = layers.LayerNormalization(epsilon=1e-6, name=f"block{i}_norm2")(x)
        h = layers.Dense(mlp_dim, activation="gelu", name=f"block{i}_mlp1")(h)
        h = layers.Dense(dim, name=f"block{i}_mlp2")(h)
        x = layers.Add(name=f"block{i}_add2")([x, h])
    x = layers.LayerNormalization(epsilon=1e-6, name="final_norm")(x)
    x = layers.GlobalAveragePooling1D(name="token_pool")(x)
    outputs = layers.Dense(num_classes, name="logits")(x)
    return keras.Model(inputs, outputs, name=name)
