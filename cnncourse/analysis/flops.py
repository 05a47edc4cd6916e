"""Lesson 10/11's names for the cost functions of :mod:`cnncourse.analysis.costs`, the course's one cost module.

Used in lessons 10, 11.

``conv_params`` is :func:`cnncourse.analysis.costs.conv2d_params`; ``layer_table`` is lesson 10's table, with nested
models expanded and an ``output`` column (:func:`cnncourse.analysis.costs.layer_table` with ``nested=True``). New code imports
:mod:`cnncourse.analysis.costs`.
"""
from __future__ import annotations

from functools import partial

from cnncourse.analysis.costs import conv2d_params as conv_params
from cnncourse.analysis.costs import (conv_macs, conv_output_size, cost_table, layer_macs, macs_to_flops, model_macs,
                                      param_count, separable_macs, separable_params)
from cnncourse.analysis.costs import layer_table as _layer_table

#: Lesson 10's table: :func:`cnncourse.analysis.costs.layer_table` with ``nested=True``.
layer_table = partial(_layer_table, nested=True)

__all__ = ["conv_macs", "conv_output_size", "conv_params", "cost_table", "layer_macs", "layer_table",
           "macs_to_flops", "model_macs", "param_count", "separable_macs", "separable_params"]
