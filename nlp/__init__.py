"""Compare Japanese contracts (public names are listed once the parser lands)."""
