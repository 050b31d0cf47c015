"""Suite-wide test settings: property tests are never timed (speed lives in benchmarks/)."""

from hypothesis import HealthCheck, settings

settings.register_profile(
    "default-untimed",
    deadline=None,
    max_examples=200,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("default-untimed")
