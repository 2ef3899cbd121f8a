"""customer search (FTS5 trigram, SQLite only) and sort indexes for the customer list

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 14:10:00
"""
from alembic import op


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Sorting the customer list by these columns walks an index (SQLite appends the rowid: (col, id)).
    op.create_index('ix_customer_birth_date', 'customer', ['birth_date'], unique=False)
    op.create_index('ix_customer_province_sort', 'customer', ['province'], unique=False)
    op.create_index('ix_customer_gender_sort', 'customer', ['gender'], unique=False)
    bind = op.get_bind()
    if bind.dialect.name == 'sqlite':
        from loyalty_desktop import search_index

        search_index.install(bind)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == 'sqlite':
        from loyalty_desktop import search_index

        search_index.uninstall(bind)
    op.drop_index('ix_customer_gender_sort', table_name='customer')
    op.drop_index('ix_customer_province_sort', table_name='customer')
    op.drop_index('ix_customer_birth_date', table_name='customer')
