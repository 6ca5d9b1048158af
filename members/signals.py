from django.apps import apps

from members.services import staff_group_sync


def sync_staff_group_after_migrate(sender, **kwargs):
    """Keep the staff group's permissions complete whenever the schema changes.

    post_migrate is sent once per app that has models; acting on the last one means every
    app's permissions exist by then.
    """
    with_models = [config for config in apps.get_app_configs() if config.models_module]
    if sender.label != with_models[-1].label:
        return
    staff_group_sync()
