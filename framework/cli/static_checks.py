"""Moved: the static checks are a library feature, ``framework.definition.static_checks``.

Kept as a re-export so code importing the old place keeps working; import from the new place.
"""

from framework.definition.static_checks import SECRET_NAME, Finding, check_definition

__all__ = ["Finding", "check_definition", "SECRET_NAME"]
