-- The legacy tables (PostgreSQL DDL), generated from badgegate.legacy.tables.
-- Regenerate: python -m badgegate.legacy.ddl > schemas/legacy/legacy-tables.sql

CREATE TABLE badges (
	id TEXT NOT NULL,
	name TEXT NOT NULL,
	description TEXT NOT NULL,
	content TEXT,
	progress INTEGER DEFAULT 0 NOT NULL,
	status TEXT NOT NULL,
	created_at TIMESTAMP WITHOUT TIME ZONE DEFAULT now() NOT NULL,
	updated_at TIMESTAMP WITHOUT TIME ZONE,
	start_date TEXT,
	target_date TEXT,
	external_id TEXT,
	external_source TEXT,
	PRIMARY KEY (id)
);

CREATE TABLE badge_requirements (
	id TEXT NOT NULL,
	badge_id TEXT NOT NULL,
	description TEXT NOT NULL,
	completed BOOLEAN DEFAULT false NOT NULL,
	created_at TIMESTAMP WITHOUT TIME ZONE NOT NULL,
	updated_at TIMESTAMP WITHOUT TIME ZONE,
	PRIMARY KEY (id),
	FOREIGN KEY(badge_id) REFERENCES badges (id) ON DELETE CASCADE
);
