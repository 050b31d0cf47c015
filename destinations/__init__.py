"""Built-in destinations, one package each (``destinations.pardot``)."""

__all__: list[str] = []
