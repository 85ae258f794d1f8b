"""The version of respnb: the single source (hatch reads it; ``respnb.__version__`` imports it;
``js/package.json`` is kept equal by ``tests/packaging/test_metadata.py``)."""

__version__ = "0.1.0"
