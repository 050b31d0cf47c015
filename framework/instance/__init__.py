"""A configured destination instance: settings plus up to 50 subscriptions, from Segment JSON or TOML.

``DestinationInstance.from_file(path)`` / ``.from_settings(dict)`` check the whole config at load time
(raising ``InstanceConfigError`` with every problem, each located) and compile triggers and mappings
once; ``instance.send(event)`` returns one ``SubscriptionResult`` per enabled subscription.
``read_config_file(path)`` reads a config without compiling it (the CLI uses it to seed an emulator).
"""

from framework.instance.config import MAX_SUBSCRIPTIONS, InstanceConfig, SubscriptionConfig
from framework.instance.instance import DestinationInstance
from framework.instance.problems import InstanceConfigError
from framework.instance.sources import read_config_file
from framework.runtime.results import SubscriptionExplanation, SubscriptionResult, SubscriptionStatus

__all__ = [
    "DestinationInstance",
    "InstanceConfigError",
    "InstanceConfig",
    "SubscriptionConfig",
    "MAX_SUBSCRIPTIONS",
    "SubscriptionResult",
    "SubscriptionStatus",
    "SubscriptionExplanation",
    "read_config_file",
]
