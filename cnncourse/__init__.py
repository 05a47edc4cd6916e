"""cnncourse: helpers for an offline, tested course on convolutional neural networks.

Import submodules explicitly (``from cnncourse import data, ops``); this package
imports nothing heavy on its own so that ``cnncourse doctor`` stays fast.
"""
import os as _os

# TensorFlow's C++ logging goes to stderr and would pollute notebook outputs.
_os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

__version__ = "0.1.0"
