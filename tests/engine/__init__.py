"""Tests of the demo engine (respnb.server.engine)."""
