import keras
import numpy as np
import pytest

from cnncourse.training.schedules import OneCycle, cosine_lr, schedule_values


@pytest.mark.parametrize("alpha", [0.0, 0.2])
def test_cosine_lr_matches_keras(alpha):
    ref = keras.optimizers.schedules.CosineDecay(0.1, 50, alpha=alpha)
    for step in [0, 1, 10, 25, 49, 50, 80]:
        assert np.isclose(cosine_lr(step, 0.1, 50, alpha), float(ref(step)), rtol=1e-5)


def test_one_cycle_shape():
    sched = OneCycle(max_lr=1.0, total_steps=100, pct_start=0.3, div=25, final_div=1e4)
    v = schedule_values(sched, np.arange(100))
    assert np.isclose(v[0], 1 / 25, rtol=1e-5)
    assert np.isclose(v[30], 1.0, rtol=1e-5)
    assert np.all(np.diff(v[:30]) > 0) and np.all(np.diff(v[30:]) <= 1e-9)
    assert np.isclose(float(sched(100)), 1e-4, rtol=1e-3)


def test_one_cycle_in_optimizer_and_config_roundtrip():
    sched = OneCycle(max_lr=0.5, total_steps=10)
    opt = keras.optimizers.SGD(learning_rate=sched)
    assert float(opt.learning_rate) == pytest.approx(0.5 / 25, rel=1e-5)
    clone = OneCycle.from_config(sched.get_config())
    assert float(clone(7)) == pytest.approx(float(sched(7)))
