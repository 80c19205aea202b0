import pytest
from django.test import Client

from ..conftest import sign_in


@pytest.fixture
def client_as(users):
    """A new client signed in as the named user: several people in one test, each their own."""

    def make(name):
        return sign_in(Client(), users[name])

    return make
