"""Lesson 12 checkers accept the reference and reject wrong or unfinished answers."""
import numpy as np
import pytest

from cnncourse import checks
from cnncourse.checks import CheckFailed
from cnncourse.data.imagenet import top_k as reference_top_k
from cnncourse.vision.transfer import freeze_all_but_top


def test_top_k_accepts_reference(capsys):
    checks.top_k(reference_top_k)
    assert "12.top_k passed" in capsys.readouterr().out


def test_top_k_rejects_ascending_order():
    def wrong(probs, k, names):
        order = np.argsort(probs, axis=1)[:, :k]
        return [[(names[j], float(r[j])) for j in idx] for r, idx in zip(probs, order)]

    with pytest.raises(CheckFailed, match="decreasing"):
        checks.top_k(wrong)


def test_top_k_rejects_stub():
    def stub(probs, k, names):
        raise NotImplementedError()

    with pytest.raises(CheckFailed, match="not done yet"):
        checks.top_k(stub)


def test_freeze_base_accepts_reference():
    checks.freeze_base(freeze_all_but_top)


def test_freeze_base_rejects_off_by_one_and_forgotten_unfreeze():
    from cnncourse.models.efficientnet_lite import NUM_BLOCKS, block_index

    def off_by_one(model, n_blocks):
        model.trainable = True
        for layer in model.layers:
            index = block_index(layer.name)
            layer.trainable = index is not None and index >= NUM_BLOCKS - n_blocks

    with pytest.raises(CheckFailed, match="trainable flag"):
        checks.freeze_base(off_by_one)

    def no_unfreeze(model, n_blocks):
        for layer in model.layers:
            index = block_index(layer.name)
            layer.trainable = index is not None and index > NUM_BLOCKS - n_blocks

    with pytest.raises(CheckFailed, match="model.trainable = True"):
        checks.freeze_base(no_unfreeze)


def test_freeze_base_rejects_stub():
    def stub(model, n_blocks):
        raise NotImplementedError()

    with pytest.raises(CheckFailed, match="not done yet"):
        checks.freeze_base(stub)
