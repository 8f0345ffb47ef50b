"""Import every model so that ``db.metadata`` (and Alembic) sees all tables."""

from .accounts.models import Office, RoleAssignment, User
from .core.audit import AuditEntry
from .districts.models import Council, District

__all__ = ["AuditEntry", "Council", "District", "Office", "RoleAssignment", "User"]
