"""Alembic environment: the engine comes from ``loyalty_desktop.db`` through config attributes."""

from alembic import context

import loyalty_desktop.models as models

config = context.config
target_metadata = models.metadata


def run_migrations() -> None:
    engine = config.attributes["engine"]
    with engine.begin() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()


run_migrations()
