"""Use cases: every write is one durable transaction that re-plans its children once.

A service that changes a child's facts is decorated with `@use_case` and says which children's
facts it changed with `facts_changed(child_id=...)`. It does not call the duties app: the
duties app subscribes (`facts_changed_subscribe`, in its AppConfig.ready) and is handed the
set of children once, at the end of the outermost use case, inside its transaction, so the
re-planned duties commit with the facts that call for them or not at all.

- The outermost use case opens `transaction.atomic(durable=True)`: it cannot be run inside
  someone else's transaction by mistake, and its commit is the use case's commit.
- A use case called by another use case is part of it: it runs in a savepoint (a caught error
  undoes its part only) and its children join the outer set, so a report, a return and a
  police closure written by one API event re-plan their child once.
- A bulk path (an import's chunk) gathers the children instead (`facts_changes_gathered`): the
  use cases it calls join its transaction, and it hands the gathered set to the worker itself.
- `facts_changed` outside any use case (the shell, a data migration) hands its children over
  at once.

A lower app that must let a higher one act within the same use case (an episode's return
refers the child for an interview; a voided episode's duties are closed with its reason)
announces a typed event (`announce(EpisodeReturned(...))`); the higher app subscribes to that
type in its AppConfig.ready (`subscribe(EpisodeReturned, handler)`). Handlers run at once, in
the announcing use case's transaction, in the order they subscribed, and their results are
returned to the announcer (for its audit entry). Business events never come from model
signals: an announcement is an explicit call in a service.

This is written here rather than taken from a library: it is the project's own contract
between services and the duties app (DESIGN.md rule 2), a few lines on Django's `atomic`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db import transaction

FactsHandler = Callable[[set[int]], None]

# The children whose facts the running use case changed (None: no use case is running).
_changed: ContextVar[set[int] | None] = ContextVar("use_case_facts_changed", default=None)
# The children a bulk path gathers for itself (None: none is gathering).
_gathered: ContextVar[set[int] | None] = ContextVar("use_case_facts_gathered", default=None)
# Whether an outermost use case opens its own durable transaction (False inside
# use_cases_in_callers_transaction: a savepoint of the caller's).
_durable: ContextVar[bool] = ContextVar("use_case_durable", default=True)

_subscribers: list[FactsHandler] = []


def facts_changed_subscribe(handler: FactsHandler) -> None:
    """Call `handler(child_ids)` once at the end of every use case that changed children's
    facts (the duties app re-plans them). Subscribing twice is harmless."""
    if handler not in _subscribers:
        _subscribers.append(handler)


def _deliver(child_ids: set[int]) -> None:
    if not child_ids:
        return
    gathered = _gathered.get()
    if gathered is not None:
        gathered.update(child_ids)
        return
    for handler in list(_subscribers):
        handler(set(child_ids))


def facts_changed(*, child_id: int | None = None, child_ids: Iterable[int] = ()) -> None:
    """Say that these children's facts changed: they are re-planned once, when the use case
    ends (at once, outside any use case)."""
    ids = set(child_ids)
    if child_id is not None:
        ids.add(child_id)
    pending = _changed.get()
    if pending is None:
        _deliver(ids)
    else:
        pending.update(ids)


def in_use_case() -> bool:
    """Whether a use case (or a bulk path gathering its children) is running."""
    return _changed.get() is not None or _gathered.get() is not None


def use_case[**P, R](func: Callable[P, R]) -> Callable[P, R]:
    """One durable transaction for the write, and one hand-over of its children at its end."""

    @functools.wraps(func)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        if in_use_case():
            # Part of the caller's use case (or of a bulk path's unit): a savepoint, and its
            # children join the caller's.
            with transaction.atomic():
                return func(*args, **kwargs)
        pending: set[int] = set()
        token = _changed.set(pending)
        try:
            with transaction.atomic(durable=_durable.get()):
                result = func(*args, **kwargs)
                _changed.reset(token)
                token = None
                # The subscribers' own writes (duties, notices) are not the use case's facts.
                _deliver(pending)
            return result
        finally:
            if token is not None:
                _changed.reset(token)

    run.is_use_case = True  # type: ignore[attr-defined]
    return run


@contextmanager
def use_cases_in_callers_transaction() -> Iterator[None]:
    """Within this block, each use case still hands its children over at its own end, but in a
    savepoint of the caller's transaction rather than a durable one of its own: for a writer
    that must be all or nothing over many use cases, each seeing the duties of the one before
    (the demo's writer through the services)."""
    token = _durable.set(False)
    try:
        yield
    finally:
        _durable.reset(token)


@contextmanager
def facts_changes_gathered() -> Iterator[set[int]]:
    """Within this block, use cases join the caller's transaction and their children are
    gathered into the set yielded, for the caller to hand over (a bulk import queues them for
    the worker in the same transaction)."""
    gathered: set[int] = set()
    token = _gathered.set(gathered)
    outer = _changed.get()
    inner = _changed.set(None) if outer is not None else None
    try:
        yield gathered
    finally:
        if inner is not None:
            _changed.reset(inner)
        _gathered.reset(token)


_handlers: dict[type, list[Callable[[Any], Any]]] = {}


def subscribe[E](event_type: type[E], handler: Callable[[E], Any]) -> None:
    """Call `handler(event)` whenever a service announces an event of this type (a higher app
    acting on a lower one's change). Subscribing twice is harmless."""
    handlers = _handlers.setdefault(event_type, [])
    if handler not in handlers:
        handlers.append(handler)


def announce(event: object) -> list[Any]:
    """Run every handler of this event's type now, in the caller's transaction; their results."""
    return [handler(event) for handler in list(_handlers.get(type(event), ()))]
