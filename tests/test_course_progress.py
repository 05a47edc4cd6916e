"""Training progress shows in a Jupyter server's kernels only, and never changes what fit computes."""
import keras
import numpy as np
import pytest

from cnncourse.course import progress


@pytest.mark.parametrize("env, expected", [
    ({}, False),                                              # a script, nbval, nbclient
    ({"JPY_SESSION_NAME": "/lessons/01.ipynb"}, True),        # a kernel JupyterLab started
    ({"JPY_SESSION_NAME": "/lessons/01.ipynb", "CNNCOURSE_PROGRESS": "0"}, False),
    ({"CNNCOURSE_PROGRESS": "1"}, True),
])
def test_enabled_follows_the_kernel_and_the_switch(monkeypatch, env, expected):
    for name in ("JPY_SESSION_NAME", progress.ENV):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert progress.enabled() is expected


def _fit(seed):
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    x = np.random.default_rng(0).standard_normal((64, 4)).astype("float32")
    model.fit(x, x.sum(1), batch_size=8, epochs=2, verbose=0)
    return model.get_weights()


def test_install_adds_the_progress_callback_without_changing_results(monkeypatch):
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    monkeypatch.setenv(progress.ENV, "0")
    original_fit = keras.Model.fit
    assert progress.install() is False and keras.Model.fit is original_fit
    plain = _fit(0)

    seen = []
    monkeypatch.setattr(progress.FitProgress, "on_train_end", lambda self, logs=None: seen.append(self.bar.value))
    monkeypatch.setenv(progress.ENV, "1")
    try:
        assert progress.install() is True
        assert progress.install() is True and keras.Model.fit._cnncourse_progress  # installed once
        with_progress = _fit(0)
    finally:
        keras.Model.fit = original_fit
    assert seen == [16], seen  # 2 epochs x 8 steps
    for a, b in zip(plain, with_progress):
        np.testing.assert_array_equal(a, b)
