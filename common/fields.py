from functools import cached_property

from django.core.validators import MaxLengthValidator
from django.db import models


class BoundedTextField(models.TextField):
    """Long text with a limit that forms show (maxlength) and that model validation enforces.

    Django passes a TextField's max_length only to the form; every long text a member can
    enter has a limit here, so no field takes megabytes that each page view must render.
    """

    def __init__(self, *args, max_length, **kwargs):
        super().__init__(*args, max_length=max_length, **kwargs)

    @cached_property
    def validators(self):
        return [*super().validators, MaxLengthValidator(self.max_length)]
