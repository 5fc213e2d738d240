"""Scripts run by hand or by make: load.py is `make load`."""
