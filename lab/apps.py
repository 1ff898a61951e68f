from django.apps import AppConfig


class LabConfig(AppConfig):
    """Installed only so that `manage.py` finds the train_*/evaluate_* commands."""

    name = "lab"
    verbose_name = "Lab: training and evaluation"
