"""The technology market's pages."""
