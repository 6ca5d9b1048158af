import factory

from practices.models import Adoption, PracticeReview
from practices.services import practice_search_index_update
from tests.factories import MunicipalityFactory, PracticeFactory, TopicFactory  # noqa: F401


class IndexedPracticeFactory(PracticeFactory):
    """A published practice whose search index is up to date, as the services keep it."""

    @factory.post_generation
    def topics(self, create, extracted, **kwargs):
        if create and extracted:
            self.topics.set(extracted)

    @factory.post_generation
    def search_index(self, create, extracted, **kwargs):
        if create:
            practice_search_index_update(practice_ids=[self.pk])


class AdoptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Adoption

    practice = factory.SubFactory(PracticeFactory)
    municipality = factory.SubFactory(MunicipalityFactory)
    note = "Hat gut funktioniert."


class PracticeReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PracticeReview

    practice = factory.SubFactory(PracticeFactory)
    old_status = "submitted"
    new_status = "published"
