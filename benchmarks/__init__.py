"""Throughput and memory benchmarks, compared with Segment's own engine when node is present.

Run `python -m benchmarks` (or `make bench`); README.md explains the output. Each `bench_*.py`
module in this package declares its measurements in a `BENCHMARKS` list, so adding one is adding
one module. Benchmarks are never tests: nothing here asserts a speed.
"""
