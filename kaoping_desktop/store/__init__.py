"""Database layer: peewee models over data/schema.sql, migrations, repositories."""
