from django.apps import AppConfig

_STAFF_ALL = [
    "recruitment.verify_employer", "recruitment.review_post", "recruitment.post_on_behalf",
    "recruitment.broker_match", "recruitment.view_dashboard", "recruitment.manage_fairs",
]


class RecruitmentConfig(AppConfig):
    name = "apps.recruitment"
    verbose_name = "招聘求职"
    default_auto_field = "django.db.models.BigAutoField"
    role_permissions = {
        "city_office": _STAFF_ALL,
        "city_department": _STAFF_ALL,
        "county_staff": _STAFF_ALL,
        "grassroots_staff": ["recruitment.post_on_behalf", "recruitment.broker_match", "recruitment.view_dashboard"],
    }
    periodic_tasks = [
        {"name": "招聘：过期岗位自动下架", "task": "apps.recruitment.tasks.expire_job_posts",
         "crontab": {"minute": "5", "hour": "*"}},
        {"name": "招聘：企业更名后刷新岗位搜索", "task": "apps.recruitment.tasks.refresh_stale_search_documents",
         "crontab": {"minute": "35", "hour": "*"}},
        {"name": "招聘：更新搜索用的二元组统计", "task": "apps.recruitment.tasks.refresh_bigram_shares",
         "crontab": {"minute": "*/10"}},
        {"name": "招聘：面试前一小时提醒", "task": "apps.recruitment.tasks.send_interview_reminders",
         "crontab": {"minute": "*/5"}},
        {"name": "招聘：保存的搜索每日推送", "task": "apps.recruitment.tasks.send_saved_search_alerts",
         "crontab": {"minute": "0", "hour": "8"}},
        {"name": "招聘：重算人岗匹配推荐", "task": "apps.recruitment.tasks.recompute_all_recommendations",
         "crontab": {"minute": "30", "hour": "2"}},
        {"name": "个人信息：删除长期未更新的简历", "task": "apps.recruitment.tasks.purge_stale_resumes",
         "crontab": {"minute": "40", "hour": "3"}},
    ]

    def ready(self) -> None:
        from . import providers

        providers.register()
