"""Pages of the main window, one module per sidebar entry (``Page(ctx, parent)``)."""
