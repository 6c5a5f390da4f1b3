from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login

from apps.core.permissions import RoleRequired

from ..permissions import is_legal_staff, is_volunteer_lawyer, uses_screening


def _guard(check, perm: str):
    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not check(request.user):
                raise RoleRequired(perm)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


# Declared on each view: who may use it.
lawyer_required = _guard(is_volunteer_lawyer, "legal_aid.answer_consultation")
legal_staff_required = _guard(is_legal_staff, "legal_aid.handle_consultation")
screening_required = _guard(uses_screening, "legal_aid.screen_risk")
