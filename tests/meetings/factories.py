"""Factories for the meetings app beyond the base ones in tests.factories."""

from datetime import timedelta

import factory
from django.utils import timezone

from meetings.models import ActionItem, Document, Minutes
from tests.factories import MeetingFactory, MunicipalityFactory


class MinutesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Minutes

    meeting = factory.SubFactory(MeetingFactory)
    text = "## Ergebnisse\n\nAlle waren da."
    status = Minutes.Status.DRAFT


class ActionItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionItem

    meeting = factory.SubFactory(MeetingFactory)
    what = factory.Sequence(lambda n: f"Aufgabe {n}")
    owner_municipality = factory.SubFactory(MunicipalityFactory)
    due_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=14))


class DocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Document

    meeting = factory.SubFactory(MeetingFactory)
    title = factory.Sequence(lambda n: f"Folien {n}")
    file = factory.django.FileField(filename="folien.pdf", data=b"%PDF-1.4\n%test\n")
    content_type = "application/pdf"
    size = 15
