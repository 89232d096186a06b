package store

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"strconv"
	"strings"
	"time"
)

// SchemaVersion is the schema version this binary's migrations bring a
// database to. A database with a higher version is refused (ErrNewerSchema).
const SchemaVersion = 6

// migrationFiles are the migrations, migrations/NNNN_name.sql, numbered from
// 1 without gaps. A migration is never edited once released: a change to the
// schema is a new file (and a new SchemaVersion).
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

type migration struct {
	version int
	name    string
	sql     string
}

// migrations reads the embedded migrations in version order.
func migrations() ([]migration, error) {
	entries, err := fs.ReadDir(migrationFiles, "migrations") // sorted by name
	if err != nil {
		return nil, err
	}
	ms := make([]migration, 0, len(entries))
	for i, e := range entries {
		num, _, _ := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if err != nil || v != i+1 {
			return nil, fmt.Errorf("migration %s: want number %04d", e.Name(), i+1)
		}
		text, err := fs.ReadFile(migrationFiles, "migrations/"+e.Name())
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{version: v, name: e.Name(), sql: string(text)})
	}
	return ms, nil
}

// migrate applies the migrations the database lacks, each in its own
// transaction, recording it in schema_migrations and PRAGMA user_version.
// Another process may be migrating the same file: each transaction checks
// the version again once it holds the write lock.
func (s *Store) migrate(ctx context.Context) error {
	ms, err := migrations()
	if err != nil {
		return err
	}
	cur, err := schemaVersion(ctx, s.db)
	if err != nil {
		return err
	}
	if cur > SchemaVersion {
		return &newerSchemaError{version: cur}
	}
	for _, m := range ms {
		if m.version <= cur {
			continue
		}
		err := s.WithTx(ctx, func(tx *sql.Tx) error {
			v, err := schemaVersion(ctx, tx)
			if err != nil || v >= m.version {
				return err
			}
			if _, err := tx.ExecContext(ctx, m.sql); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, "INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)",
				m.version, time.Now().UnixMilli()); err != nil {
				return err
			}
			// PRAGMA takes no parameters; m.version is an int.
			_, err = tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", m.version))
			return err
		})
		if err != nil {
			return fmt.Errorf("migration %s: %w", m.name, err)
		}
	}
	return nil
}

// querier is what schemaVersion needs: a *sql.DB or a *sql.Tx.
type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// schemaVersion is the database's schema version: the higher of PRAGMA
// user_version and the last recorded migration. An empty database is
// version 0; one with tables but no schema_migrations is another program's
// (ErrNotDatabase).
func schemaVersion(ctx context.Context, q querier) (int, error) {
	var userVersion, objects, recorded int
	err := q.QueryRowContext(ctx, `SELECT
		(SELECT user_version FROM pragma_user_version),
		(SELECT count(*) FROM sqlite_master),
		(SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations')`,
	).Scan(&userVersion, &objects, &recorded)
	if err != nil {
		return 0, err
	}
	switch {
	case recorded == 0 && objects == 0:
		return userVersion, nil
	case recorded == 0:
		return 0, fmt.Errorf("%w: it has tables but no schema_migrations", ErrNotDatabase)
	}
	var last int
	if err := q.QueryRowContext(ctx, "SELECT coalesce(max(version), 0) FROM schema_migrations").Scan(&last); err != nil {
		return 0, err
	}
	return max(userVersion, last), nil
}
