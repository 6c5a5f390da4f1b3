from django.apps import AppConfig

_COUNTY = ["organizing.review_membership", "organizing.screen_enterprises", "organizing.manage_social_workers",
           "organizing.view_membership", "organizing.view_foundingplan"]


class OrganizingConfig(AppConfig):
    name = "apps.organizing"
    verbose_name = "工会组建与会员"
    default_auto_field = "django.db.models.BigAutoField"
    role_permissions = {
        "city_office": [*_COUNTY, "organizing.manage_elections"],
        "city_department": _COUNTY,
        "county_staff": _COUNTY,
        "grassroots_staff": ["organizing.review_membership", "organizing.manage_social_workers"],
    }

    periodic_tasks = [
        {"name": "换届延期：提醒逾期未换届的工会", "task": "apps.organizing.tasks.remind_overdue_elections",
         "crontab": {"minute": "30", "hour": "8"}},
    ]

    def ready(self) -> None:
        from apps.core.registry import (
            ConsoleLink,
            NavItem,
            console_menu,
            console_todos,
            home_sections,
            membership,
            my_records,
            nav_items,
        )
        from apps.core.uploads import private_files

        from . import providers, selectors
        from .models import CensusImport

        membership.register(union_of=selectors.union_of, unions_of=selectors.unions_of)
        nav_items.register(NavItem(label="网上入会", url_name="organizing:join", order=60, icon="people",
                                   description="三步申请加入工会，领取电子会员卡"))
        for order, (label, url_name, icon, permissions) in enumerate(self.console_links):
            console_menu.register(ConsoleLink(label=label, url_name=url_name, group="工会组建", icon=icon,
                                              order=500 + order, permissions=permissions))
        console_todos.register(providers.console_todos)
        my_records.register(providers.my_membership)
        home_sections.register(providers.home_join)
        private_files.register(CensusImport, providers.can_see_census_file)

    console_links = [
        ("入会审核", "organizing:application_list", "person-check", ("organizing.review_membership",)),
        ("会员名册", "organizing:member_list", "people", ("organizing.review_membership",)),
        ("兜底工会", "organizing:catch_all_list", "house-heart", ("organizing.review_membership",)),
        ("经济普查导入", "organizing:census_list", "cloud-upload", ("organizing.screen_enterprises",)),
        ("未建会企业", "organizing:unorganized_list", "building-exclamation", ("organizing.screen_enterprises",)),
        ("建会预案", "organizing:plan_list", "clipboard-check", ("organizing.screen_enterprises",)),
        ("建会覆盖率", "organizing:coverage", "pie-chart", ("organizing.screen_enterprises",)),
        ("换届延期", "organizing:election_list", "calendar-event", ("organizing.review_membership",)),
        ("社会化工会工作者", "organizing:social_worker_list", "person-badge", ("organizing.manage_social_workers",)),
    ]
