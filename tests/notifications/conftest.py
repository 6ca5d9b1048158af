import pytest

from notifications import services, tasks


@pytest.fixture
def published(monkeypatch):
    """Records the send tasks published (message id, countdown) instead of talking to a
    broker; mailings are expanded right away, as the expansion task would."""
    calls = []

    def send(args, countdown=None, **options):
        calls.extend((message_id, countdown) for message_id in args[0])

    def expand(args, **options):
        services.mailings_expand(mailing_ids=args[0])

    monkeypatch.setattr(tasks.messages_send, "apply_async", send)
    monkeypatch.setattr(tasks.mailings_expand_task, "apply_async", expand)
    return calls
