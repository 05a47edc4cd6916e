import keras
import numpy as np
import pytest

from cnncourse.deploy import tflite_utils
from cnncourse.models.edge_cnn import edge_cnn, with_softmax


@pytest.fixture(scope="module")
def model():
    keras.utils.set_random_seed(0)
    return with_softmax(edge_cnn((4, 8), 16))


def test_float_conversion_matches_keras(model):
    x = np.random.default_rng(0).random((7, 28, 28, 1)).astype("float32")
    runner = tflite_utils.TFLiteModel(tflite_utils.convert(model, "float"))
    np.testing.assert_allclose(runner(x), model.predict(x, verbose=0), atol=1e-5)
    assert runner.predict(x, batch_size=3).shape == (7, 10)
    y = model.predict(x, verbose=0).argmax(1)
    assert tflite_utils.accuracy(runner, x, y, batch_size=4) == 1.0
    assert tflite_utils.latency_ms(runner, x, repeats=5, warmup=1) > 0


def test_int8_is_smaller_has_int8_io_and_stays_close(model):
    x = np.random.default_rng(1).random((50, 28, 28, 1)).astype("float32")
    fb_float = tflite_utils.convert(model, "float")
    fb_int8 = tflite_utils.convert(model, "int8", representative=x)
    assert len(fb_int8) < 0.5 * len(fb_float)
    runner = tflite_utils.TFLiteModel(fb_int8)
    assert runner.interp.get_input_details()[0]["dtype"] == np.int8
    np.testing.assert_allclose(runner(x[:5]), model.predict(x[:5], verbose=0), atol=0.05)
    with pytest.raises(ValueError):
        tflite_utils.convert(model, "int8")
    with pytest.raises(ValueError):
        tflite_utils.convert(model, "int4")


def test_float16_halves_the_weights_and_matches_closely(model):
    x = np.random.default_rng(2).random((5, 28, 28, 1)).astype("float32")
    fb_float, fb_half = tflite_utils.convert(model, "float"), tflite_utils.convert(model, "float16")
    assert 0.4 * len(fb_float) < len(fb_half) < 0.7 * len(fb_float)
    runner = tflite_utils.TFLiteModel(fb_half)
    assert runner.interp.get_input_details()[0]["dtype"] == np.float32   # float I/O, half-precision weights
    np.testing.assert_allclose(runner(x), model.predict(x, verbose=0), atol=5e-3)


def test_invoke_latency_times_the_interpreter_alone(model):
    x = np.random.default_rng(3).random((4, 28, 28, 1)).astype("float32")
    for fb in (tflite_utils.convert(model, "float"), tflite_utils.convert(model, "int8", representative=x)):
        assert 0 < tflite_utils.invoke_latency_ms(fb, x[0], repeats=5, warmup=1) < 1000
        times = tflite_utils.invoke_times_ms(fb, x[0], repeats=7, warmup=1)
        assert times.shape == (7,) and (times > 0).all() and (times < 1000).all()


def test_compare_invoke_times_interleaves_every_model(model):
    x = np.random.default_rng(4).random((2, 28, 28, 1)).astype("float32")
    fbs = {"float": tflite_utils.convert(model, "float"), "int8": tflite_utils.convert(model, "int8", representative=x)}
    times = tflite_utils.compare_invoke_times_ms(fbs, x[0], repeats=12, rounds=3, warmup=1)
    assert set(times) == {"float", "int8"}
    assert all(t.shape == (12,) and (t > 0).all() for t in times.values())
