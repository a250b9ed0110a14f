"""Benchmarks: `python -m benchmarks.run [SECTION ...]` writes benchmarks/RESULTS.md sections."""
