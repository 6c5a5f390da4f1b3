from .cases import (  # noqa: F401
    case_accept,
    case_apply,
    case_assign,
    case_assigned,
    case_close,
    case_decline,
    case_detail,
    case_entry,
    case_green,
    case_list,
    case_withdraw,
    my_cases,
)
from .consultations import (  # noqa: F401
    ask,
    consultation_assign,
    consultation_claim,
    consultation_close,
    consultation_detail,
    consultation_message,
    consultation_rate,
    lawyer_queue,
    my_consultations,
)
from .disputes import (  # noqa: F401
    dispute_detail,
    dispute_edit,
    dispute_list,
    dispute_new,
    dispute_progress,
    dispute_thresholds,
)
from .negotiations import negotiation_detail, negotiation_list, negotiation_new  # noqa: F401
from .public import home  # noqa: F401
from .screening import screening_detail, screening_list, screening_new, screening_rules  # noqa: F401
from .staff import category_list, faq_edit, faq_list, overview, staff_list  # noqa: F401
