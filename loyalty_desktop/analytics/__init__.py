"""Dashboard and segment analytics: aggregates (SQL), figures (matplotlib Figure), reports."""
