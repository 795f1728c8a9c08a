"""Benchmarks for the quality bars of SPEC §7: scripts that print a table (`python -m bench.NAME`), not tests."""
