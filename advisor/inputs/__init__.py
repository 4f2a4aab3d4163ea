"""What people write to steer a decision: priority profiles and the workspace (``advisor.toml``)."""
