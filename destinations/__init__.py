"""Built-in destinations, one package each (``destinations.pardot``).

``SLUGS`` says which subpackage holds which slug, so that finding one destination by name imports
that package alone, not every built-in (``framework.registry``). A slug missing here is still found,
by the full scan; ``tests/registry`` fails until this table matches what that scan finds.
"""

__all__ = ["SLUGS"]

SLUGS: dict[str, str] = {
    "actions-facebook-conversions-api": "facebook_conversions_api",
    "actions-hubspot-cloud": "hubspot_cloud",
    "actions-klaviyo": "klaviyo",
    "actions-pardot": "pardot",
    "actions-salesforce": "salesforce",
    "actions-slack": "slack",
    "actions-webhook": "webhook",
}
"""slug → subpackage of every built-in destination."""
