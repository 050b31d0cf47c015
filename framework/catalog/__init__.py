"""A destination's catalog page (``page``) and the text of its fields (``field_text``), from the definition alone.

Below both the command line (``actions describe``) and the standard test suite (which checks the
committed page is in sync), so neither has to import the other. Nothing is imported here: the
command line reads ``field_text`` at start-up, and ``page`` loads ``framework.instance``.
"""
