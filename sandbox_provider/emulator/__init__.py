"""A faithful, stateful local emulator of the AEP sandbox tooling (exim) API.

`create_app` (in `app`) builds the FastAPI application; `sandbox-provider emulator` serves it.
"""
