"""What several test modules share: line builders, the CLI under test, a log written like OME's,
analyzer builders. Hypothesis strategies are in ``tests/strategies.py``."""
