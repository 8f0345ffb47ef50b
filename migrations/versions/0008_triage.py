"""The back office's triage: internal tags, tags on work items, internal notes

Follows '0007' (the mail outbox, merged from main meanwhile).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 14:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('workflow_tags',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('name_key', sa.String(length=60), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_workflow_tags_created_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_workflow_tags')),
    sa.UniqueConstraint('name_key', name=op.f('uq_workflow_tags_name_key'))
    )
    op.create_table('work_item_tags',
    sa.Column('work_item_id', sa.Integer(), nullable=False),
    sa.Column('tag_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tag_id'], ['workflow_tags.id'], name=op.f('fk_work_item_tags_tag_id_workflow_tags'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['work_item_id'], ['work_items.id'], name=op.f('fk_work_item_tags_work_item_id_work_items'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('work_item_id', 'tag_id', name=op.f('pk_work_item_tags'))
    )
    with op.batch_alter_table('work_item_tags', schema=None) as batch_op:
        batch_op.create_index('ix_work_item_tags_tag', ['tag_id', 'work_item_id'], unique=False)

    op.create_table('work_item_notes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('work_item_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_work_item_notes_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['work_item_id'], ['work_items.id'], name=op.f('fk_work_item_notes_work_item_id_work_items'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_work_item_notes'))
    )
    with op.batch_alter_table('work_item_notes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_work_item_notes_work_item_id'), ['work_item_id'], unique=False)


def downgrade():
    with op.batch_alter_table('work_item_notes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_work_item_notes_work_item_id'))
    op.drop_table('work_item_notes')
    with op.batch_alter_table('work_item_tags', schema=None) as batch_op:
        batch_op.drop_index('ix_work_item_tags_tag')
    op.drop_table('work_item_tags')
    op.drop_table('workflow_tags')
