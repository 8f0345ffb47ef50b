"""The back office's rest: response templates per office, drafted answers, tags that can be
hidden or merged, the supports of each work item (inbox filter and sort)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 15:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('workflow_response_templates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('office_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('status_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['office_id'], ['offices.id'], name=op.f('fk_workflow_response_templates_office_id_offices'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['status_id'], ['workflow_statuses.id'], name=op.f('fk_workflow_response_templates_status_id_workflow_statuses'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_workflow_response_templates')),
    sa.UniqueConstraint('office_id', 'title', name='uq_workflow_response_templates_title')
    )
    op.create_table('official_response_drafts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('target_type', sa.String(length=40), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('voice', sa.String(length=40), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('status_key', sa.String(length=40), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_official_response_drafts_author_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_official_response_drafts')),
    sa.UniqueConstraint('target_type', 'target_id', name='uq_official_response_drafts_target')
    )
    with op.batch_alter_table('workflow_tags', schema=None) as batch_op:
        batch_op.add_column(sa.Column('hidden', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('merged_into_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_workflow_tags_merged_into_id_workflow_tags'), 'workflow_tags', ['merged_into_id'], ['id'], ondelete='SET NULL')
    with op.batch_alter_table('workflow_tags', schema=None) as batch_op:
        batch_op.alter_column('hidden', server_default=None)
    with op.batch_alter_table('work_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('support_count', sa.Integer(), server_default='0', nullable=False))
        batch_op.create_index('ix_work_items_supports', ['support_count', 'id'], unique=False)
        batch_op.create_index('ix_work_items_answer_created', ['first_response_at', 'created_at', 'id'], unique=False)
        batch_op.create_index('ix_work_items_created', ['created_at', 'id'], unique=False)
        batch_op.create_index('ix_work_items_answer_due', ['first_response_at', 'due_on'], unique=False)
    # the supports that exist already
    for target_type, table, column in (
        ('proposal', 'proposal_supports', 'proposal_id'),
        ('need', 'need_supports', 'need_id'),
    ):
        op.execute(
            f"UPDATE work_items SET support_count = (SELECT count(*) FROM {table} "  # noqa: S608
            f"WHERE {table}.{column} = work_items.target_id) WHERE target_type = '{target_type}'"
        )


def downgrade():
    with op.batch_alter_table('work_items', schema=None) as batch_op:
        batch_op.drop_index('ix_work_items_answer_due')
        batch_op.drop_index('ix_work_items_created')
        batch_op.drop_index('ix_work_items_answer_created')
        batch_op.drop_index('ix_work_items_supports')
        batch_op.drop_column('support_count')
    with op.batch_alter_table('workflow_tags', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_workflow_tags_merged_into_id_workflow_tags'), type_='foreignkey')
        batch_op.drop_column('merged_into_id')
        batch_op.drop_column('hidden')
    op.drop_table('official_response_drafts')
    op.drop_table('workflow_response_templates')
