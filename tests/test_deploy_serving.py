import urllib.error

import numpy as np
import pytest

from cnncourse.deploy import serving


def predict(x):  # a fake "model": class probabilities from mean brightness, for 3 classes
    m = x.reshape(len(x), -1).mean(axis=1)
    logits = np.stack([m, 1 - m, np.full_like(m, 0.5)], axis=1) * 5
    e = np.exp(logits)
    return e / e.sum(axis=1, keepdims=True)


def test_server_round_trip_on_loopback():
    x = np.random.default_rng(0).random((4, 6, 6, 1)).astype("float32")
    with serving.PredictionServer(predict, input_shape=(6, 6, 1)) as srv:
        assert srv.url.startswith("http://127.0.0.1:")
        assert serving.get_json(srv.url + "/health") == {"status": "ok"}
        reply = serving.post_json(srv.url + "/predict", {"instances": x.tolist()})
        np.testing.assert_allclose(reply["probabilities"], predict(x), atol=1e-5)
        assert reply["classes"] == predict(x).argmax(1).tolist()
        with pytest.raises(urllib.error.HTTPError) as err:
            serving.post_json(srv.url + "/predict", {"instances": np.zeros((1, 5, 5, 1)).tolist()})
        assert err.value.code == 400
        with pytest.raises(urllib.error.HTTPError):
            serving.post_json(srv.url + "/nowhere", {})
    assert not srv.running
    with pytest.raises(RuntimeError):
        srv.url
