"""Measuring models and data: parameter/MAC/FLOP costs, receptive fields, shift sensitivity,
gradient flow, classical baselines, plots.

Used in lessons 01, 02, 03, 10, 11, 14, 16.
"""
