"""Lesson 10/11's names for the cost functions of :mod:`cnncourse.analysis.costs`, the course's one cost module.

Used in lessons 10, 11.

``conv_params`` is :func:`cnncourse.analysis.costs.conv2d_params`; ``layer_table`` is lesson 10's table, with nested
models expanded and an ``output`` column (:func:`cnncourse.analysis.costs.nested_layer_table`). New code imports
:mod:`cnncourse.analysis.costs`.
"""
from __future__ import annotations

from cnncourse.analysis.costs import conv2d_params as conv_params
from cnncourse.analysis.costs import (conv_macs, conv_output_size, cost_table, layer_macs, macs_to_flops, model_macs,
                             param_count, separable_macs, separable_params)
from cnncourse.analysis.costs import nested_layer_table as layer_table

__all__ = ["conv_macs", "conv_output_size", "conv_params", "cost_table", "layer_macs", "layer_table",
           "macs_to_flops", "model_macs", "param_count", "separable_macs", "separable_params"]
