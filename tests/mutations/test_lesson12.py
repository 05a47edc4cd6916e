"""Lesson 12 checkers reject wrong top-k orderings and wrong freezing of EfficientNet-Lite0 blocks."""
import numpy as np
import pytest

from cnncourse.models import efficientnet_lite as effnet

from . import assert_accepted, assert_rejected


def top_k(probs, k, names):
    probs = np.asarray(probs)
    order = np.argsort(-probs, axis=1)[:, :k]
    return [[(names[j], float(row[j])) for j in idx] for row, idx in zip(probs, order)]


def ascending(probs, k, names):
    order = np.argsort(probs, axis=1)[:, :k]
    return [[(names[j], float(row[j])) for j in idx] for row, idx in zip(probs, order)]


def top_k_least_likely_first(probs, k, names):
    order = np.argsort(probs, axis=1)[:, -k:]
    return [[(names[j], float(row[j])) for j in idx] for row, idx in zip(probs, order)]


def argpartition_unordered(probs, k, names):
    order = np.argpartition(-probs, k - 1, axis=1)[:, :k][:, ::-1]
    return [[(names[j], float(row[j])) for j in idx] for row, idx in zip(probs, order)]


def probabilities_of_first_row(probs, k, names):
    order = np.argsort(-probs, axis=1)[:, :k]
    return [[(names[j], float(probs[0, j])) for j in idx] for idx in order]


def one_pair_short(probs, k, names):
    order = np.argsort(-probs, axis=1)[:, :k - 1]
    return [[(names[j], float(row[j])) for j in idx] for row, idx in zip(probs, order)]


def sorted_down_the_columns(probs, k, names):
    order = np.argsort(-probs, axis=0)[:k].T
    return [[(names[j], float(row[j])) for j in idx] for row, idx in zip(probs, order)]


def test_top_k_accepts_reference():
    assert_accepted("12.top_k", top_k)


@pytest.mark.parametrize("fn, match", [
    pytest.param(ascending, "decreasing", id="least-likely-classes"),
    pytest.param(top_k_least_likely_first, "decreasing", id="right-classes-wrong-order"),
    pytest.param(argpartition_unordered, "decreasing", id="argpartition-unordered"),
    pytest.param(probabilities_of_first_row, "probabilit", id="probabilities-of-the-wrong-row"),
    pytest.param(one_pair_short, "expected . pairs", id="k-minus-one-pairs"),
    pytest.param(sorted_down_the_columns, "expected|row", id="sorted-along-the-wrong-axis"),
])
def test_top_k_rejects(fn, match):
    assert_rejected("12.top_k", fn, match=match)


def freeze_base(model, n_blocks):
    model.trainable = True
    for layer in model.layers:
        index = effnet.block_index(layer.name)
        layer.trainable = index is not None and index > effnet.NUM_BLOCKS - n_blocks


def whole_model_left_frozen(model, n_blocks):
    for layer in model.layers:
        index = effnet.block_index(layer.name)
        layer.trainable = index is not None and index > effnet.NUM_BLOCKS - n_blocks


def one_block_too_many(model, n_blocks):
    model.trainable = True
    for layer in model.layers:
        index = effnet.block_index(layer.name)
        layer.trainable = index is not None and index >= effnet.NUM_BLOCKS - n_blocks


def counted_from_the_bottom(model, n_blocks):
    model.trainable = True
    for layer in model.layers:
        index = effnet.block_index(layer.name)
        layer.trainable = index is not None and 0 <= index < n_blocks


def batchnorm_kept_frozen(model, n_blocks):
    model.trainable = True
    for layer in model.layers:
        index = effnet.block_index(layer.name)
        is_bn = type(layer).__name__ == "BatchNormalization"
        layer.trainable = index is not None and index > effnet.NUM_BLOCKS - n_blocks and not is_bn


def top_n_layers_not_blocks(model, n_blocks):
    model.trainable = True
    for layer in model.layers:
        layer.trainable = False
    for layer in model.layers[len(model.layers) - n_blocks:]:
        layer.trainable = True


def stem_counted_as_trainable(model, n_blocks):
    model.trainable = True
    for layer in model.layers:
        index = effnet.block_index(layer.name)
        layer.trainable = index is not None and (index > effnet.NUM_BLOCKS - n_blocks or index < 0)


def test_freeze_accepts_reference():
    assert_accepted("12.freeze_base", freeze_base)


@pytest.mark.parametrize("fn, match", [
    pytest.param(whole_model_left_frozen, "model.trainable = True", id="whole-model-left-frozen"),
    pytest.param(one_block_too_many, "trainable flag", id="one-block-too-many"),
    pytest.param(counted_from_the_bottom, "trainable flag", id="counted-from-the-bottom"),
    pytest.param(batchnorm_kept_frozen, "trainable flag", id="batchnorm-kept-frozen"),
    pytest.param(top_n_layers_not_blocks, "trainable flag", id="top-n-layers-instead-of-blocks"),
    pytest.param(stem_counted_as_trainable, "trainable flag", id="stem-left-trainable"),
])
def test_freeze_rejects(fn, match):
    assert_rejected("12.freeze_base", fn, match=match)
