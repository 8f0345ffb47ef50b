"""Import every model so that ``db.metadata`` (and Alembic) sees all tables."""

from .accounts.models import Office, RoleAssignment, User
from .barriers.models import AffectedBarrier, AffectedPerson, BarrierReport, Offer, OfferType
from .comments.models import Comment, CommentReport
from .core.audit import AuditEntry
from .districts.models import Council, District
from .indicators.models import (
    ImportBatch,
    IndexDefinition,
    Indicator,
    IndicatorLink,
    IndicatorValue,
    IndicatorValueChange,
)
from .notifications.models import Follow, Notification
from .proposals.models import Category, Proposal, Support

__all__ = [
    "AffectedBarrier",
    "AffectedPerson",
    "AuditEntry",
    "BarrierReport",
    "Category",
    "Comment",
    "CommentReport",
    "Follow",
    "Notification",
    "Offer",
    "OfferType",
    "Council",
    "District",
    "ImportBatch",
    "IndexDefinition",
    "Indicator",
    "IndicatorLink",
    "IndicatorValue",
    "IndicatorValueChange",
    "Office",
    "Proposal",
    "RoleAssignment",
    "Support",
    "User",
]
