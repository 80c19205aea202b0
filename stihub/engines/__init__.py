"""Computations kept apart from the web: plain Python, no Django import, runnable on files."""
