"""dashboard rollups (customer × month, month totals, day × category × channel) and two dashboard indexes

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 08:00:00

The dashboard's 24-month series and period revenue by category/channel read these instead of 10M
purchases (see ``loyalty_desktop.rollups``). The upgrade backfills them from the existing purchases in
set-based statements (one pass over the (customer, time) index, one over the purchase table) and creates
the SQLite triggers that keep the day rollup current. On other databases the tables stay empty and
unused (the aggregates read ``purchase``). The RFM index also covers total spent (the RFM grid reads
the index alone) and the opted-out flag gets an index (the headline's count).
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'rollup_customer_month',
        sa.Column('customer_id', sa.Integer(), nullable=False),
        sa.Column('month', sa.String(length=7), nullable=False),
        sa.Column('orders', sa.Integer(), nullable=False),
        sa.Column('amount', sa.Integer(), nullable=False),
        sa.Column('is_first', sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint('customer_id', 'month'),
        sqlite_with_rowid=False,
    )
    op.create_table(
        'rollup_month',
        sa.Column('month', sa.String(length=7), nullable=False),
        sa.Column('buyers', sa.Integer(), nullable=False),
        sa.Column('new_buyers', sa.Integer(), nullable=False),
        sa.Column('orders', sa.Integer(), nullable=False),
        sa.Column('amount', sa.Integer(), nullable=False),
        sa.Column('new_amount', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('month'),
    )
    op.create_table(
        'rollup_sales_day',
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('category', sa.String(length=100), nullable=False),
        sa.Column('channel', sa.String(length=60), nullable=False),
        sa.Column('orders', sa.Integer(), nullable=False),
        sa.Column('amount', sa.Integer(), nullable=False),
        sa.Column('walk_in_orders', sa.Integer(), nullable=False),
        sa.Column('walk_in_amount', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('day', 'category', 'channel'),
        sqlite_with_rowid=False,
    )
    # The RFM grid reads count and total spent per (r, f) cell from the index alone.
    op.drop_index('ix_stats_rfm', table_name='customer_stats')
    op.create_index('ix_stats_rfm', 'customer_stats', ['rfm_r', 'rfm_f', 'rfm_m', 'total_spent'], unique=False)
    op.create_index('ix_customer_opt_out', 'customer', ['sms_opt_out'], unique=False)  # opted-out count
    bind = op.get_bind()
    if bind.dialect.name == 'sqlite':
        from loyalty_desktop import rollups

        rollups.rebuild(bind)  # backfill + triggers
        op.execute('ANALYZE rollup_customer_month')
        op.execute('ANALYZE rollup_month')
        op.execute('ANALYZE rollup_sales_day')
        op.execute('ANALYZE customer_stats')


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == 'sqlite':
        from loyalty_desktop import rollups

        rollups.uninstall(bind)
    op.drop_table('rollup_sales_day')
    op.drop_table('rollup_month')
    op.drop_table('rollup_customer_month')
    op.drop_index('ix_customer_opt_out', table_name='customer')
    op.drop_index('ix_stats_rfm', table_name='customer_stats')
    op.create_index('ix_stats_rfm', 'customer_stats', ['rfm_r', 'rfm_f', 'rfm_m'], unique=False)
