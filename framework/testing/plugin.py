"""pytest plugin registering the action-destinations fixtures (filled in by the testing part)."""
