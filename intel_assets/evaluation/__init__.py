"""Benchmarks against the demo's answer key. Nothing in the pipeline imports this package."""
