"""A destination's catalog page and the text of its fields and audiences, from the definition alone.

``page`` renders the Markdown catalog page; ``field_text`` says what a field is (type, default,
requiredness) and ``audience_text`` what a destination does with audiences and user deletion. Below
both the command line (``actions describe``) and the standard test suite (which checks the committed
page is in sync), so neither has to import the other. Nothing is imported here: the command line
reads ``field_text`` and ``audience_text`` at start-up, and ``page`` loads ``framework.instance``.
"""
