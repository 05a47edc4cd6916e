import keras
import numpy as np
import pytest

from cnncourse.training.schedules import OneCycle, cosine_lr, schedule_values, warmup_cosine_lr


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


def test_one_cycle_linear_warmup_of_the_fast_recipe():
    sched = OneCycle(max_lr=1.0, total_steps=100, pct_start=0.25, div=20, final_div=200, warmup="linear")
    lr = schedule_values(sched, np.arange(101))
    assert np.isclose(lr[0], 0.05) and np.allclose(np.diff(lr[:26]), 0.95 / 25, rtol=1e-4)   # a straight line
    assert np.isclose(lr[25], 1.0) and np.all(np.diff(lr[25:]) <= 1e-7) and np.isclose(lr[100], 1 / 200, rtol=1e-4)
    assert OneCycle.from_config(sched.get_config()).warmup == "linear"
    with pytest.raises(ValueError, match="warmup"):
        OneCycle(1.0, 10, warmup="exponential")


@pytest.mark.parametrize("warmup, floor", [(0, 0.0), (7, 0.02)])
def test_warmup_cosine_lr_matches_keras(warmup, floor):
    ref = keras.optimizers.schedules.CosineDecay(0.0, 30, alpha=floor / 0.2, warmup_target=0.2, warmup_steps=warmup)
    for step in [0, 1, 3, 6, 7, 8, 20, 36, 37, 50]:
        assert np.isclose(warmup_cosine_lr(step, 0.2, warmup, 30, floor), float(ref(step)), rtol=1e-5, atol=1e-8)
