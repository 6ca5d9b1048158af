from django.db import models
from django.utils.translation import gettext_lazy as _


class Tombstone(models.Model):
    """An object that left the public record: deleted, or withdrawn from publication.

    OParl clients mirror the public record and must learn what to remove, so a withdrawn
    object keeps answering at its address with `deleted: true`. Rows are written by database
    triggers (migration 0001) on deletion and on the change that withdraws an object, so
    every way of removing data (services, admin, cascades, SQL) is seen. Only objects that
    were public are recorded; a stale row of an object that is public again is ignored.
    """

    object_type = models.CharField(_("object type"), max_length=40)
    object_id = models.BigIntegerField(_("object id"))
    # The meeting of an agenda item or document, the example of an attachment or of a
    # consultation: a child is only reported when its parent was public.
    parent_id = models.BigIntegerField(_("parent id"), null=True, blank=True)
    created = models.DateTimeField(_("created"))
    deleted = models.DateTimeField(_("deleted"))

    class Meta:
        verbose_name = _("withdrawn object")
        verbose_name_plural = _("withdrawn objects")
        constraints = [
            models.UniqueConstraint(fields=["object_type", "object_id"], name="one_tombstone")
        ]
        indexes = [models.Index(fields=["object_type", "deleted"])]

    def __str__(self):
        return f"{self.object_type} {self.object_id}"
