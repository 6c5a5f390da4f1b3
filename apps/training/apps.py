from django.apps import AppConfig

_ALL = ["training.manage_courses", "training.view_training_stats", "training.manage_quizzes",
        "training.manage_campaigns", "training.register_entries", "training.review_pioneer"]


class TrainingConfig(AppConfig):
    name = "apps.training"
    verbose_name = "培训与竞赛"
    default_auto_field = "django.db.models.BigAutoField"
    role_permissions = {
        "city_office": _ALL,
        "city_department": _ALL,
        "county_staff": _ALL,
        "grassroots_staff": ["training.view_training_stats", "training.register_entries"],
    }
    periodic_tasks = [
        {"name": "答题超时自动收卷", "task": "apps.training.tasks.expire_overdue_attempts",
         "crontab": {"minute": "*/5", "hour": "*"}},
        {"name": "答题竞赛结束后通知排行榜", "task": "apps.training.tasks.announce_closed_leaderboards",
         "crontab": {"minute": "*/5", "hour": "*"}},
    ]

    def ready(self) -> None:
        from . import providers

        providers.register()
