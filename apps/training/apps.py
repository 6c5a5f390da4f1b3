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
        from apps.core.registry import (
            ConsoleLink,
            NavItem,
            console_menu,
            console_todos,
            home_sections,
            my_records,
            nav_items,
        )
        from apps.core.uploads import private_files

        from . import providers
        from .models import Achievement, Course, Lesson

        nav_items.register(NavItem(label="学习培训", url_name="training:home", order=20, icon="mortarboard",
                                   description="微课堂、网络答题、网上练兵、劳动竞赛"))
        for order, (label, url_name, icon, permissions) in enumerate([
            ("课程管理", "training:console_courses", "play-btn", ("training.manage_courses",)),
            ("创新工作室", "training:console_studios", "award", ("training.manage_courses",)),
            ("题库", "training:bank_list", "collection", ("training.manage_quizzes",)),
            ("答题与竞赛", "training:console_quizzes", "ui-checks", ("training.manage_quizzes",)),
            ("劳动竞赛", "training:console_campaigns", "trophy", ()),
            ("工人先锋号审核", "training:pioneer_queue", "flag", ("training.review_pioneer",)),
            ("培训统计", "training:stats", "bar-chart", ("training.view_training_stats",)),
        ]):
            console_menu.register(ConsoleLink(label=label, url_name=url_name, group="学习培训", icon=icon,
                                              order=200 + order, permissions=permissions))
        from apps.core.registry import account_closers, my_data_exports

        from .privacy import learner_records_close, my_training_data

        my_data_exports.register(my_training_data)
        account_closers.register(learner_records_close)
        console_todos.register(providers.console_todos)
        my_records.register(providers.my_training)
        home_sections.register(providers.home_courses)
        private_files.register(Course, providers.can_see_course_file)
        private_files.register(Lesson, providers.can_see_lesson_file)
        private_files.register(Achievement, providers.can_see_achievement_file)
