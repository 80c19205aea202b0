"""PLACEHOLDER (helper A replaces it): likely duplicates in the registries."""


def likely_duplicates(registry: str, instance) -> list[tuple[object, str]]:
    """[(an existing record, the reason in words)] that `instance` (saved or not) may repeat."""
    return []
