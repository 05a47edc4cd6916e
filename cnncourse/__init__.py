"""cnncourse: helpers for an offline, tested course on convolutional neural networks.

Import submodules explicitly (``from cnncourse import data, ops``); this package
imports nothing heavy on its own so that ``cnncourse doctor`` stays fast.
"""
import os as _os

# TensorFlow's C++ logging goes to stderr and would pollute notebook outputs and every `cnncourse`
# command. With the tensorflow-cpu wheel these two variables, set before TensorFlow's first import,
# silence it completely; oneDNN's custom ops stay off as in every lesson (start_lesson), so the CLI
# computes what the notebooks compute.
_os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
_os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

__version__ = "0.1.0"
