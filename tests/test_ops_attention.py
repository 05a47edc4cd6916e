import keras
import numpy as np
import tensorflow as tf

from cnncourse.ops import attention


def test_attention_weights_rows_sum_to_one_and_uniform_keys():
    rng = np.random.default_rng(0)
    q, k, v = rng.normal(size=(2, 3, 4)), rng.normal(size=(2, 5, 4)), rng.normal(size=(2, 5, 6))
    out, w = attention.scaled_dot_product_attention(q, k, v)
    assert out.shape == (2, 3, 6) and w.shape == (2, 3, 5)
    np.testing.assert_allclose(w.sum(-1), 1)
    out, w = attention.scaled_dot_product_attention(q, np.zeros_like(k), v)  # equal scores -> mean of values
    np.testing.assert_allclose(out, np.broadcast_to(v.mean(1, keepdims=True), out.shape))
    mask = np.array([True, True, False, False, False])
    _, w = attention.scaled_dot_product_attention(q, k, v, mask=mask)
    assert np.allclose(w[..., 2:], 0)


def test_keras_multi_head_attention_is_this_arithmetic():
    keras.utils.set_random_seed(0)
    layer = keras.layers.MultiHeadAttention(num_heads=2, key_dim=3)
    x = np.random.default_rng(1).normal(size=(2, 5, 8)).astype("float32")
    out, scores = layer(x, x, return_attention_scores=True)
    np_out, np_w = attention.keras_mha_numpy(x, layer)
    np.testing.assert_allclose(np_w, scores.numpy(), atol=1e-5)
    np.testing.assert_allclose(np_out, out.numpy(), atol=1e-4)


def test_extract_patches_matches_tf():
    x = np.random.default_rng(2).random((2, 8, 12, 3)).astype("float32")
    ours = attention.extract_patches(x, 4)
    ref = tf.image.extract_patches(x, [1, 4, 4, 1], [1, 4, 4, 1], [1, 1, 1, 1], "VALID").numpy()
    np.testing.assert_allclose(ours, ref.reshape(2, 6, 48))
