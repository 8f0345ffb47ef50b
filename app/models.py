"""Import every model so that ``db.metadata`` (and Alembic) sees all tables."""

from .accounts.models import Office, RoleAssignment, User
from .barriers.models import (
    AffectedBarrier,
    AffectedPerson,
    BarrierReport,
    BarrierType,
    Offer,
    OfferType,
)
from .comments.models import Comment
from .core.audit import AuditEntry
from .core.clusters import MapCell
from .dashboard.models import DashboardVisit
from .districts.models import Council, District
from .indicators.models import (
    ImportBatch,
    IndexDefinition,
    Indicator,
    IndicatorLink,
    IndicatorValue,
    IndicatorValueChange,
)
from .legal.models import AccessibilityFeedback
from .locations.models import (
    LocationCriterion,
    LocationScenario,
    LocationShare,
    LocationShareOpening,
)
from .mail.models import MailOutbox, MailPreference
from .measures.models import (
    Measure,
    MeasureDistrict,
    MeasureHistory,
    MeasureIndicator,
    MeasureInput,
    MeasureOffice,
    MeasurePlace,
    MeasureStatus,
    Milestone,
)
from .moderation.models import Flag
from .needs.models import Need, NeedProposalLink, NeedSupport
from .notifications.models import Follow, Notification
from .open311.models import ApiKey, RequestToken
from .proposals.models import Category, Proposal, Support
from .responses.models import OfficialResponse
from .workflow.models import (
    ResponseTarget,
    RoutingRule,
    StatusChange,
    WorkflowStatus,
    WorkItem,
)

__all__ = [
    "AccessibilityFeedback",
    "ApiKey",
    "RequestToken",
    "AffectedBarrier",
    "AffectedPerson",
    "AuditEntry",
    "BarrierReport",
    "BarrierType",
    "Category",
    "Comment",
    "LocationCriterion",
    "LocationScenario",
    "LocationShare",
    "LocationShareOpening",
    "DashboardVisit",
    "Flag",
    "MailOutbox",
    "MailPreference",
    "Measure",
    "MeasureDistrict",
    "MeasureHistory",
    "MeasureIndicator",
    "MeasureInput",
    "MeasureOffice",
    "MeasurePlace",
    "MeasureStatus",
    "Milestone",
    "Need",
    "NeedProposalLink",
    "NeedSupport",
    "OfficialResponse",
    "ResponseTarget",
    "RoutingRule",
    "StatusChange",
    "WorkItem",
    "WorkflowStatus",
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
    "MapCell",
    "Office",
    "Proposal",
    "RoleAssignment",
    "Support",
    "User",
]
