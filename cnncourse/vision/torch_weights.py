"""Read PyTorch's *legacy* (pre-1.6, non-zip) ``torch.save`` files into NumPy, without torch.

Used in lesson 12.

A ``.pth`` file is a pickle, and unpickling runs whatever callables the file names, so
``pickle.load`` on an untrusted file is arbitrary code execution. :class:`RestrictedUnpickler`
accepts only the handful of globals a state dict needs and maps them to small NumPy-backed
stand-ins; anything else (``os.system``, ``builtins.eval``...) raises ``pickle.UnpicklingError``.

The legacy layout is a sequence of pickles followed by raw bytes::

    pickle(MAGIC_NUMBER)  pickle(PROTOCOL_VERSION)  pickle(sys_info)
    pickle(state_dict)          # tensors refer to storages by persistent id
    pickle([storage keys])      # the order in which storage data follows
    for each key: int64 little-endian element count, then count * itemsize raw bytes
"""
from __future__ import annotations

import collections
import io
import pickle
import struct
from pathlib import Path

import numpy as np

MAGIC_NUMBER = 0x1950A86A20F9469CFC6C
PROTOCOL_VERSION = 1001

#: torch storage class name -> NumPy dtype (little-endian, as the file stores it)
STORAGE_DTYPES = {
    "FloatStorage": "<f4", "DoubleStorage": "<f8", "HalfStorage": "<f2",
    "LongStorage": "<i8", "IntStorage": "<i4", "ShortStorage": "<i2",
    "CharStorage": "i1", "ByteStorage": "u1", "BoolStorage": "?",
}


class StorageType:
    """Stand-in for ``torch.FloatStorage`` and friends: only knows its dtype."""

    def __init__(self, name: str):
        self.name, self.dtype = name, np.dtype(STORAGE_DTYPES[name])

    def __repr__(self):
        return f"StorageType({self.name})"


class Storage:
    """A flat typed buffer; its data arrives after the main pickle has been read."""

    def __init__(self, dtype: np.dtype, size: int):
        self.dtype, self.size, self.data = dtype, size, None


class LazyTensor:
    """What ``torch._utils._rebuild_tensor_v2`` returns here: a strided view, filled in later."""

    def __init__(self, storage: Storage, offset: int, shape, stride):
        self.storage, self.offset, self.shape, self.stride = storage, offset, tuple(shape), tuple(stride)

    def numpy(self) -> np.ndarray:
        data = self.storage.data
        if data is None:
            raise pickle.UnpicklingError("tensor storage was never read from the file")
        if not self.shape:
            return data[self.offset].copy()
        needed = self.offset + sum((n - 1) * s for n, s in zip(self.shape, self.stride)) + 1
        if min(self.shape) > 0 and needed > data.size:
            raise pickle.UnpicklingError("tensor view runs past the end of its storage")
        view = np.lib.stride_tricks.as_strided(
            data[self.offset:], shape=self.shape, strides=[s * data.itemsize for s in self.stride])
        return np.array(view)  # a contiguous copy


def _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad=False, backward_hooks=None, *rest):
    return LazyTensor(storage, storage_offset, size, stride)


def _rebuild_tensor(storage, storage_offset, size, stride):
    return LazyTensor(storage, storage_offset, size, stride)


def _rebuild_parameter(data, requires_grad=False, backward_hooks=None, *rest):
    return data


SAFE_GLOBALS = {
    ("collections", "OrderedDict"): collections.OrderedDict,
    ("torch._utils", "_rebuild_tensor_v2"): _rebuild_tensor_v2,
    ("torch._utils", "_rebuild_tensor"): _rebuild_tensor,
    ("torch._utils", "_rebuild_parameter"): _rebuild_parameter,
    **{("torch", name): StorageType(name) for name in STORAGE_DTYPES},
}


class RestrictedUnpickler(pickle.Unpickler):
    """An unpickler that resolves only :data:`SAFE_GLOBALS` and torch storage persistent ids."""

    def __init__(self, file, storages: dict | None = None):
        super().__init__(file)
        self.storages = {} if storages is None else storages

    def find_class(self, module, name):
        try:
            return SAFE_GLOBALS[(module, name)]
        except KeyError:
            raise pickle.UnpicklingError(
                f"refusing to load global {module}.{name}: only torch tensor/storage globals "
                "and collections.OrderedDict are allowed in a weights file") from None

    def persistent_load(self, pid):
        # ('storage', storage_type, key, location, numel, view_metadata)
        if not (isinstance(pid, tuple) and len(pid) >= 5 and pid[0] == "storage"):
            raise pickle.UnpicklingError(f"unexpected persistent id {pid!r}")
        storage_type, key, _location, size = pid[1:5]
        if not isinstance(storage_type, StorageType):
            raise pickle.UnpicklingError(f"unknown storage type {storage_type!r}")
        if len(pid) > 5 and pid[5] is not None:
            raise pickle.UnpicklingError("storage views are not supported")
        if key not in self.storages:
            self.storages[key] = Storage(storage_type.dtype, int(size))
        return self.storages[key]


def restricted_loads(data: bytes):
    """``pickle.loads`` through :class:`RestrictedUnpickler` (for tests and tiny payloads)."""
    return RestrictedUnpickler(io.BytesIO(data)).load()


def load_legacy_state_dict(path) -> "collections.OrderedDict[str, np.ndarray]":
    """Parameters and buffers of a legacy ``torch.save(state_dict)`` file as NumPy arrays (in order)."""
    with open(Path(path), "rb") as f:
        if f.read(2)[:1] == b"PK":
            raise ValueError(f"{path} is a zip-format torch file; this reader handles the legacy format only")
        f.seek(0)
        if RestrictedUnpickler(f).load() != MAGIC_NUMBER:
            raise ValueError(f"{path}: bad magic number, not a legacy torch file")
        protocol = RestrictedUnpickler(f).load()
        if protocol != PROTOCOL_VERSION:
            raise ValueError(f"{path}: unsupported torch protocol version {protocol}")
        sys_info = RestrictedUnpickler(f).load()
        if not sys_info.get("little_endian", True):
            raise ValueError(f"{path}: big-endian files are not supported")
        storages: dict = {}
        state = RestrictedUnpickler(f, storages).load()
        keys = RestrictedUnpickler(f).load()
        for key in keys:
            storage = storages[key]
            (count,) = struct.unpack("<q", f.read(8))
            if count != storage.size:
                raise ValueError(f"storage {key}: file says {count} elements, pickle said {storage.size}")
            raw = f.read(count * storage.dtype.itemsize)
            if len(raw) != count * storage.dtype.itemsize:
                raise ValueError(f"storage {key}: file is truncated")
            storage.data = np.frombuffer(raw, dtype=storage.dtype)
    if not isinstance(state, dict):
        raise ValueError(f"{path}: expected a state dict, found {type(state).__name__}")
    return collections.OrderedDict(
        (name, value.numpy() if isinstance(value, LazyTensor) else value) for name, value in state.items())
