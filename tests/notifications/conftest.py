import pytest


@pytest.fixture
def published(monkeypatch):
    """Records the send tasks published instead of talking to a broker."""
    from notifications.tasks import message_send

    calls = []

    def apply_async(args, countdown=None, **options):
        calls.append((args[0], countdown))

    monkeypatch.setattr(message_send, "apply_async", apply_async)
    return calls
