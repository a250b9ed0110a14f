"""Progress of the listings on stderr, with `rich` (imported here only: the provider's
import path and every other command never load it)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

__all__ = ["progress_listing"]

T = TypeVar("T")


@contextmanager
def progress_listing(enabled: bool = True) -> Iterator[Any]:
    """A `listing(label, items)` function for `discover`: each listing is one line of a
    rich progress display on stderr (a count, as the API doesn't say the total up front),
    ticking as pages arrive. Disabled: the items pass through untouched."""
    if not enabled:

        def passthrough(_label: str, items: Iterable[T]) -> Iterator[T]:
            yield from items

        yield passthrough
        return

    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn

    console = Console(stderr=True)
    columns = (
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
    )
    with Progress(*columns, console=console, transient=False) as bar:

        def listing(label: str, items: Iterable[T]) -> Iterator[T]:
            task = bar.add_task(f"reading {label}", total=None)
            n = 0
            for item in items:
                n += 1
                bar.update(task, completed=n)
                yield item
            # Once the listing ends its size is known: the bar shows it full.
            bar.update(task, total=n, completed=n)

        yield listing
