from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse, reverse_lazy
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from practices.selectors import practices_for_feed


class PublishedPracticesFeed(Feed):
    """Newly published examples that staff made public; members-only ones never appear."""

    feed_type = Atom1Feed
    title = _("New good-practice examples – Round table Südwestfalen")
    subtitle = _("Good-practice examples newly published by the municipalities of Südwestfalen.")
    link = reverse_lazy("practices:list")

    def items(self):
        return practices_for_feed(limit=30)

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_link(self, item):
        return reverse("practices:detail", args=[item.slug])

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_author_name(self, item):
        return ", ".join(municipality.name for municipality in item.municipalities.all())

    def item_guid(self, item):
        return f"{settings.SITE_URL}{self.item_link(item)}"
