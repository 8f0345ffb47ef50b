"""responses domain."""
