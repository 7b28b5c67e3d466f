"""Benchmarks: measured here, never asserted in tests."""
