"""The restricted legacy torch reader: round trip of a hand-written file, refusal of foreign globals."""
import collections
import os
import pickle
import struct
import sys
import types

import numpy as np
import pytest

from cnncourse.vision.torch_weights import (MAGIC_NUMBER, PROTOCOL_VERSION, RestrictedUnpickler, load_legacy_state_dict,
                                     restricted_loads)


class _Storage:
    def __init__(self, key, array):
        self.key, self.array = key, np.ascontiguousarray(array).ravel()


class _Tensor:
    def __init__(self, storage, offset, shape, stride):
        self.storage, self.offset, self.shape, self.stride = storage, offset, shape, stride

    def __reduce__(self):
        rebuild = sys.modules["torch._utils"]._rebuild_tensor_v2
        return rebuild, (self.storage, self.offset, self.shape, self.stride, False, collections.OrderedDict())


@pytest.fixture
def fake_torch(monkeypatch):
    """Just enough of a ``torch`` module for pickle to write torch global names (torch is not installed)."""
    torch = types.ModuleType("torch")
    utils = types.ModuleType("torch._utils")

    class FloatStorage:
        pass

    class LongStorage:
        pass

    def _rebuild_tensor_v2(*args):
        raise AssertionError("never called while writing")

    FloatStorage.__module__ = LongStorage.__module__ = "torch"
    _rebuild_tensor_v2.__module__ = "torch._utils"
    for obj in (FloatStorage, LongStorage, _rebuild_tensor_v2):
        obj.__qualname__ = obj.__name__
    torch.FloatStorage, torch.LongStorage, torch._utils = FloatStorage, LongStorage, utils
    utils._rebuild_tensor_v2 = _rebuild_tensor_v2
    monkeypatch.setitem(sys.modules, "torch", torch)
    monkeypatch.setitem(sys.modules, "torch._utils", utils)
    return torch


def write_legacy(path, state, storages):
    """Write ``state`` (name -> _Tensor) the way torch.save did before the zip format."""
    torch = sys.modules["torch"]

    class Pickler(pickle.Pickler):
        def persistent_id(self, obj):
            if isinstance(obj, _Storage):
                kind = torch.FloatStorage if obj.array.dtype == np.float32 else torch.LongStorage
                return ("storage", kind, obj.key, "cpu", obj.array.size, None)
            return None

    with open(path, "wb") as f:
        for header in (MAGIC_NUMBER, PROTOCOL_VERSION, {"protocol_version": PROTOCOL_VERSION, "little_endian": True,
                                                        "type_sizes": {"short": 2, "int": 4, "long": 4}}):
            pickle.dump(header, f, protocol=2)
        Pickler(f, protocol=2).dump(state)
        pickle.dump([s.key for s in storages], f, protocol=2)
        for s in storages:
            f.write(struct.pack("<q", s.array.size))
            f.write(s.array.astype(s.array.dtype.newbyteorder("<")).tobytes())


def test_round_trip_with_shared_storage_offsets_and_strides(tmp_path, fake_torch):
    rng = np.random.default_rng(0)
    weight = rng.normal(size=(4, 3)).astype(np.float32)
    flat = _Storage("101", np.concatenate([weight.ravel(), np.arange(5, dtype=np.float32)]))
    counts = _Storage("7", np.array([42], dtype=np.int64))
    state = collections.OrderedDict([
        ("w", _Tensor(flat, 0, (4, 3), (3, 1))),
        ("w_t", _Tensor(flat, 0, (3, 4), (1, 3))),      # a transposed view of the same storage
        ("tail", _Tensor(flat, 12, (5,), (1,))),        # an offset into it
        ("steps", _Tensor(counts, 0, (), ())),          # a scalar LongTensor
    ])
    path = tmp_path / "tiny.pth"
    write_legacy(path, state, [flat, counts])
    loaded = load_legacy_state_dict(path)
    assert list(loaded) == ["w", "w_t", "tail", "steps"]
    np.testing.assert_array_equal(loaded["w"], weight)
    np.testing.assert_array_equal(loaded["w_t"], weight.T)
    np.testing.assert_array_equal(loaded["tail"], np.arange(5, dtype=np.float32))
    assert loaded["steps"] == 42 and loaded["steps"].dtype == np.int64


class _Evil:
    def __reduce__(self):
        return os.system, ("echo pwned",)


def test_refuses_os_system():
    payload = pickle.dumps(_Evil(), protocol=2)
    with pytest.raises(pickle.UnpicklingError, match="system"):
        restricted_loads(payload)


def test_refuses_builtins_eval_and_names_it():
    class Eval:
        def __reduce__(self):
            return eval, ("1 + 1",)

    with pytest.raises(pickle.UnpicklingError, match="builtins.eval"):
        restricted_loads(pickle.dumps(Eval(), protocol=4))


def test_accepts_plain_containers():
    assert restricted_loads(pickle.dumps(collections.OrderedDict(a=[1, 2.5, "x"]))) == {"a": [1, 2.5, "x"]}


def test_refuses_foreign_persistent_ids():
    class Pickler(pickle.Pickler):
        def persistent_id(self, obj):
            return ("module", "os") if obj == "marker" else None

    import io

    buffer = io.BytesIO()
    Pickler(buffer, protocol=2).dump(["marker"])
    with pytest.raises(pickle.UnpicklingError, match="persistent id"):
        RestrictedUnpickler(io.BytesIO(buffer.getvalue())).load()


def test_real_efficientnet_file():
    from cnncourse.models.efficientnet_lite import torch_weights_path

    state = load_legacy_state_dict(torch_weights_path())
    assert len(state) == 296
    assert state["_conv_stem.weight"].shape == (32, 3, 3, 3)
    assert state["_blocks.3._depthwise_conv.weight"].shape == (144, 1, 5, 5)
    assert state["_fc.weight"].shape == (1000, 1280) and state["_fc.weight"].dtype == np.float32
    assert np.all(state["_bn1.running_var"] > 0)
    assert sum(v.size for v in state.values()) == 4_694_073
