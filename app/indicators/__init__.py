"""Indicators and the social index."""
