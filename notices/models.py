"""Models of this app are built by its issue."""
