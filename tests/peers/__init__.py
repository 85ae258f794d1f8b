"""Interoperability tests against Responses and Chat Completions servers respnb did not write."""
