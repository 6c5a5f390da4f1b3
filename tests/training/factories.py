"""factory_boy factories for the training app."""
from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone

from apps.training.models import Campaign, Course, Criterion, Lesson, Question, QuestionBank, Quiz, Studio


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Course

    title = factory.Sequence(lambda n: f"安全生产微课{n}")
    category = Course.Category.SAFETY
    is_published = True


class LessonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lesson

    course = factory.SubFactory(CourseFactory)
    order = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"第{n}课")
    kind = Lesson.Kind.ARTICLE
    body = "<p>复工前先检查设备。</p>"


class BankFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QuestionBank

    name = factory.Sequence(lambda n: f"题库{n}")


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    bank = factory.SubFactory(BankFactory)
    kind = Question.Kind.SINGLE
    stem = factory.Sequence(lambda n: f"劳动合同应当以什么形式订立？（{n}）")
    options = ["口头", "书面", "短信", "电子邮件"]
    answer = [1]
    explanation = "《劳动合同法》第十条。"
    difficulty = 1
    tags = ",劳动法,"


class QuizFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Quiz
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"复工知识答题{n}")
    mode = Quiz.Mode.CONTEST
    question_count = 5
    points_per_question = 2
    opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    closes_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=1))
    time_limit_minutes = 10
    max_attempts = 2
    is_published = True
    leaderboard_publication = Quiz.Publication.LIVE

    @factory.post_generation
    def banks(self, create, extracted, **kwargs):
        if create and extracted:
            self.banks.set(extracted)


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign

    title = factory.Sequence(lambda n: f"岗位建功劳动竞赛{n}")
    kind = Campaign.Kind.LABOUR
    registration_closes = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=10))
    status = Campaign.Status.OPEN


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Criterion

    name = factory.Sequence(lambda n: f"评分项{n}")
    max_score = 50


class StudioFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Studio

    name = factory.Sequence(lambda n: f"劳模创新工作室{n}")
    leader_name = "李建国"
    leader_title = Studio.LeaderTitle.MODEL_WORKER
    field = "精密加工"
