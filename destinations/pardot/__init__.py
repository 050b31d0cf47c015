"""Salesforce Pardot (Actions) destination (``actions-pardot``); the definition lands with the kit."""

__all__: list[str] = []
