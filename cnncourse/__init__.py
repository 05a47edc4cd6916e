"""cnncourse: helpers for an offline, tested course on convolutional neural networks.

Grouped by the course's parts (what goes where: docs/authoring.md; which lesson uses which module:
``course/syllabus.py``):

- ``ops``: from-scratch NumPy layers, gradient checks, tiny NumPy nets
- ``data``: data sets, loaders, tf.data pipelines, class names
- ``models``: Keras model builders (the one small CNN is ``models.fashion.small_cnn``)
- ``training``: training loop, schedules, initialization, regularization, augmentation
- ``vision``: Grad-CAM and saliency (``vision.interpret``), boxes, masks, transfer learning, FGSM (``vision.robustness``)
- ``deploy``: compression, TFLite, serving
- ``analysis``: costs (params, MACs, FLOPs), receptive field, shifts, gradient flow, plots
- ``checks``, ``grading``, ``flashcards``: exercises, grading, spaced repetition
- ``course``: the tooling (CLI, build, lint, syllabus, paths, reproducibility, benchmarks)

Import submodules explicitly (``from cnncourse.analysis import costs``); this package
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
