"""Errors read as the provider's message with newer Pulumi SDKs too (3.272.0 wraps the
servicers' methods): the plugin server finds the provider's own exception under the SDK's
re-raise, and the dynamic server's traceback text is the message for an expected error.
The engine runs of both are in tests/resources/test_newest_sdk.py."""

from __future__ import annotations

import sys
import traceback
import types

import pytest

from sandbox_provider.plugin.provider import InitFailed
from sandbox_provider.plugin.server import unwrapped
from sandbox_provider.resources import _dynamic_server
from sandbox_provider.resources.errors import ProviderError


def _as_newer_sdks_raise(exc: Exception) -> Exception:
    """What 3.272.0's `_raise_with_traceback` makes of `exc`."""
    try:
        try:
            raise exc
        except Exception as e:
            stack = "".join(traceback.format_list(traceback.extract_tb(e.__traceback__)))
            raise Exception(f"{e}:\n{stack}")  # noqa: B904 - as the SDK does
    except Exception as wrapped:
        return wrapped


def test_the_providers_exception_is_found_under_the_sdks_reraise() -> None:
    original = ProviderError("creating package 'x' failed: fix it")
    assert unwrapped(_as_newer_sdks_raise(original)) is original
    init = InitFailed("id", {}, "did not finish")
    assert unwrapped(_as_newer_sdks_raise(init)) is init
    # An exception of our own, or a plain one that isn't the SDK's re-raise, stays.
    assert unwrapped(original) is original
    plain = Exception("boom")
    assert unwrapped(plain) is plain


def test_the_dynamic_servers_traceback_text_is_the_message_of_an_expected_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    server = types.ModuleType("__main__")
    server.DynamicResourceProviderServicer = object  # type: ignore[attr-defined]
    server.traceback = traceback  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "__main__", server)
    _dynamic_server.install()
    shim = server.traceback
    assert shim is not traceback
    try:
        raise ProviderError("updating package 'x' failed: run `pulumi up` again")
    except ProviderError:
        assert shim.format_exc() == "updating package 'x' failed: run `pulumi up` again"
    try:
        raise KeyError("bug")
    except KeyError:
        text = shim.format_exc()
    assert text.startswith("Traceback (most recent call last):") and "KeyError" in text
    assert shim.extract_tb is traceback.extract_tb  # the rest is the real module's
    _dynamic_server.install()  # once is enough
    assert server.traceback is shim


def test_nothing_changes_outside_the_dynamic_server() -> None:
    main = sys.modules["__main__"]
    before = getattr(main, "traceback", None)
    _dynamic_server.install()
    assert getattr(main, "traceback", None) is before
