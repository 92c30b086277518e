"""Evaluation harnesses behind `eventwire eval`."""
