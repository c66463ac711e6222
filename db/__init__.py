"""Storage: sqlmodel tables, sessions and queries, on SQLite or PostgreSQL."""
