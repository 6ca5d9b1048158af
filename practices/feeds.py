from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from practices.selectors import clean_parameters, practices_for_feed


class PublishedPracticesFeed(Feed):
    """The newest examples of a search: the list's address with the same query string.

    Feed readers are not signed in, so they see what visitors see (public examples); a
    signed-in member opening it in the browser sees what the list shows them.
    """

    feed_type = Atom1Feed

    def get_object(self, request, *args, **kwargs):
        return request

    def title(self, request):
        query = clean_parameters(request.GET).get("q", "")
        if query:
            return _("Good-practice examples for “%(query)s” – Round table Südwestfalen") % {
                "query": query
            }
        return _("New good-practice examples – Round table Südwestfalen")

    def subtitle(self, request):
        return _("Good-practice examples newly published by the municipalities of Südwestfalen.")

    def link(self, request):
        return reverse("practices:list") + _query_suffix(request)

    def feed_url(self, request):
        return reverse("practices:feed") + _query_suffix(request)

    def items(self, request):
        return practices_for_feed(user=request.user, params=request.GET)

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


def _query_suffix(request) -> str:
    params = {k: v for k, v in clean_parameters(request.GET).items() if k != "seite"}
    return f"?{urlencode(params)}" if params else ""
