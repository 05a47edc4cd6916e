"""The course's tooling, not the lessons' subject: CLI, notebooks build/execute, lint, syllabus,
paths, progress, reproducibility, doctor, benchmarks.

Used in lesson 18.
"""
