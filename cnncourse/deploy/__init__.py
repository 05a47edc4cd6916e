"""Making a model small and fast and serving it: pruning, quantization, distillation, TFLite, serving.

Used in lesson 17.
"""
