"""Open311: API keys, the tokens of requests waiting for approval, and the client a
proposal was submitted through

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 16:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('open311_api_keys',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('key_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_open311_api_keys_created_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_open311_api_keys')),
    sa.UniqueConstraint('key_hash', name=op.f('uq_open311_api_keys_key_hash')),
    sa.UniqueConstraint('name', name=op.f('uq_open311_api_keys_name'))
    )
    op.create_table('open311_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('api_key_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['api_key_id'], ['open311_api_keys.id'], name=op.f('fk_open311_tokens_api_key_id_open311_api_keys'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_open311_tokens_proposal_id_proposals'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_open311_tokens')),
    sa.UniqueConstraint('token', name=op.f('uq_open311_tokens_token'))
    )
    with op.batch_alter_table('open311_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_open311_tokens_proposal_id'), ['proposal_id'], unique=False)

    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('submitted_via', sa.String(length=80), nullable=True))


def downgrade():
    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.drop_column('submitted_via')

    with op.batch_alter_table('open311_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_open311_tokens_proposal_id'))
    op.drop_table('open311_tokens')
    op.drop_table('open311_api_keys')
