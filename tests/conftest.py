import os

import pytest

# Playwright's sync API runs an event loop in the test thread; Django refuses ORM calls there
# unless told this is safe (it is: the browser runs in another process).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def world(db):
    from tests.world import build_world

    return build_world()


@pytest.fixture
def client():
    """Django's test client, whose force_login also passes the second factor (tests/signin.py)."""
    from tests.signin import SignedInClient

    return SignedInClient()
