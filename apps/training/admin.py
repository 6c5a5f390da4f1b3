from django.contrib import admin

from .models import Campaign, Course, Criterion, Entry, Lesson, Question, QuestionBank, Quiz, Stage, Studio


class LessonInline(admin.TabularInline):
    model = Lesson
    extra = 0
    fields = ["order", "title", "kind", "minutes"]


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ["title", "category", "organization", "is_published", "created_at"]
    list_filter = ["category", "is_published"]
    search_fields = ["title"]
    inlines = [LessonInline]


@admin.register(QuestionBank)
class QuestionBankAdmin(admin.ModelAdmin):
    list_display = ["name", "organization", "created_at"]


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["stem", "kind", "difficulty", "bank"]
    list_filter = ["kind", "difficulty", "bank"]
    search_fields = ["stem"]


@admin.register(Quiz)
class QuizAdmin(admin.ModelAdmin):
    list_display = ["title", "mode", "opens_at", "closes_at", "is_published"]
    list_filter = ["mode", "is_published"]


class StageInline(admin.TabularInline):
    model = Stage
    extra = 0


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "organization", "status"]
    list_filter = ["kind", "status"]
    inlines = [StageInline, CriterionInline]
    filter_horizontal = ["judges"]


@admin.register(Entry)
class EntryAdmin(admin.ModelAdmin):
    list_display = ["name", "campaign", "organization", "review_status", "final_score", "rank"]
    readonly_fields = ["review_status", "final_score", "rank"]


@admin.register(Studio)
class StudioAdmin(admin.ModelAdmin):
    list_display = ["name", "leader_name", "leader_title", "field", "organization"]
