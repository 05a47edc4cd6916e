"""Parameter and MAC counts of cnncourse.analysis.costs against Keras and against an independent count."""
import keras
import numpy as np
import pytest

from cnncourse import ops
from cnncourse.analysis import costs
from cnncourse.models.baselines import compact_cnn


@pytest.mark.parametrize("n_in,n_out,bias", [(784, 128, True), (3, 5, False), (1, 1, True)])
def test_dense_params_match_keras(n_in, n_out, bias):
    layer = keras.layers.Dense(n_out, use_bias=bias)
    layer.build((None, n_in))
    assert costs.dense_params(n_in, n_out, bias) == layer.count_params()


@pytest.mark.parametrize("kernel,c_in,c_out,bias", [(3, 1, 16, True), ((5, 3), 4, 8, True), (1, 64, 32, False)])
def test_conv2d_params_match_keras(kernel, c_in, c_out, bias):
    layer = keras.layers.Conv2D(c_out, kernel, use_bias=bias)
    layer.build((None, 20, 20, c_in))
    assert costs.conv2d_params(kernel, c_in, c_out, bias) == layer.count_params()


def test_conv2d_macs_equal_im2col_matrix_product_size():
    x = np.zeros((1, 12, 10, 3))
    cols = ops.im2col(x, 3, 3, stride=2, pad=1)              # (Ho*Wo, 3*3*3)
    ho, wo = ops.output_size(12, 3, 2, 1), ops.output_size(10, 3, 2, 1)
    assert costs.conv2d_macs((ho, wo), 3, 3, 8) == cols.shape[0] * cols.shape[1] * 8
    assert costs.dense_macs(400, 10) == 4000


def test_layer_table_of_compact_cnn():
    model = compact_cnn()
    table = costs.layer_table(model).set_index("layer")
    assert table["params"].sum() == model.count_params() == 20_490
    assert table.loc["conv2", "MACs"] == 14 * 14 * 3 * 3 * 16 * 32
    assert table.loc["pool1", "output shape"] == (14, 14, 16)
    assert table.loc["logits", "MACs"] == 7 * 7 * 32 * 10
    assert "InputLayer" not in set(table["type"])


def test_flops_are_two_macs_in_the_cost_table_and_edge_cnn_counts_macs():
    from cnncourse.models.edge_cnn import count_macs, edge_cnn

    assert costs.macs_to_flops(1_000) == 2_000
    model = edge_cnn(filters=(4,), dense=0)
    macs = 28 * 28 * 9 * 1 * 4 + 14 * 14 * 4 * 10
    assert count_macs(model) == costs.model_macs(model) == macs
    big = edge_cnn(filters=(64, 128), dense=0)
    row = costs.cost_table({"edge": big}).loc["edge"]
    assert row["MACs"] == costs.model_macs(big) > 10_000_000
    assert row["GFLOPs"] == round(2 * row["MACs"] / 1e9, 4) != round(row["MACs"] / 1e9, 4)
