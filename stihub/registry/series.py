"""PLACEHOLDER (helper E replaces it): the registry-fed indicator series."""


def registry_changed() -> None:
    """Called after any registry write (the importers call it after their bulk writes, which
    send no signals): schedules the recomputation of the registry-fed series."""
