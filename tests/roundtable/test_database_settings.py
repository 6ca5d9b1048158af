import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def test_connections_run_without_jit_compilation():
    # The library's filter counts spent 0.9 s compiling each time (roundtable/settings.py).
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
