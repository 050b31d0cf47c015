"""The operators' console: server-rendered pages over the queue, dead letters and an event tester.

``create_console_app`` builds the Starlette app that ``actions console`` serves alone and
``actions serve`` mounts at ``/console``. Every page needs the console token; see ``guard``.
"""

from framework.console.app import ConsoleOptions, create_console_app

__all__ = ["ConsoleOptions", "create_console_app"]
