// Command trivydb writes a Trivy cache directory for the engine tier's scan tests: a
// vulnerability database (schema 2) holding one advisory for one pip package,
// DIR/db/trivy.db (bbolt) and DIR/db/metadata.json, and an empty Java index database
// (schema 1), DIR/java-db/trivy-java.db (SQLite) and its metadata.json, which Trivy
// needs as soon as an image holds a JAR. It is the layout `trivy --cache-dir DIR
// --skip-db-update --skip-java-db-update` reads.
//
//	go run . -dir OUT -package django -id CVE-2099-0001 -severity HIGH
package main

import (
	"encoding/json"
	"flag"
	"log"
	"os"
	"path/filepath"
	"time"

	"database/sql"

	bolt "go.etcd.io/bbolt"
	_ "modernc.org/sqlite"
)

// The bucket Trivy reads pip advisories from (GitHub Security Advisories).
const pipBucket = "pip::GitHub Security Advisory pip"

func main() {
	dir := flag.String("dir", "", "output directory (db/ is made inside)")
	pkg := flag.String("package", "django", "pip package the advisory is about")
	id := flag.String("id", "CVE-2099-0001", "vulnerability id")
	severity := flag.String("severity", "HIGH", "severity: LOW, MEDIUM, HIGH or CRITICAL")
	vulnerable := flag.String("vulnerable", "<99.0", "vulnerable version range")
	patched := flag.String("patched", "99.0", "first fixed version")
	flag.Parse()
	if *dir == "" {
		log.Fatal("-dir is required")
	}
	dbDir := filepath.Join(*dir, "db")
	if err := os.MkdirAll(dbDir, 0o755); err != nil {
		log.Fatal(err)
	}
	values := map[string][]any{
		"advisory":      {pipBucket, *pkg, *id, map[string]any{"VulnerableVersions": []string{*vulnerable}, "PatchedVersions": []string{*patched}}},
		"vulnerability": {"vulnerability", *id, map[string]any{"Title": "Test advisory for " + *pkg + " (engine tier)", "Severity": *severity, "Description": "Made by tests/engine/trivydb.", "References": []string{"https://example.invalid/" + *id}}},
		"data-source":   {"data-source", pipBucket, map[string]any{"ID": "ghsa", "Name": "GitHub Security Advisory pip", "URL": "https://github.com/advisories?query=type%3Areviewed+ecosystem%3Apip"}},
	}
	db, err := bolt.Open(filepath.Join(dbDir, "trivy.db"), 0o644, nil)
	if err != nil {
		log.Fatal(err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, path := range values {
			if err := put(tx, path); err != nil {
				return err
			}
		}
		return nil
	})
	if err == nil {
		err = db.Close()
	}
	if err != nil {
		log.Fatal(err)
	}
	writeMetadata(dbDir, 2)
	writeJavaDB(filepath.Join(*dir, "java-db"))
}

// writeMetadata writes DIR/metadata.json for a database of schema `version`, fresh today.
// Made at the start of the day (UTC), the same database is the same bytes all day long,
// so the engine's cache answers a scan of unchanged images with it.
func writeMetadata(dir string, version int) {
	now := time.Now().UTC().Truncate(24 * time.Hour)
	metadata, _ := json.Marshal(map[string]any{
		"Version": version, "NextUpdate": now.Add(24 * time.Hour), "UpdatedAt": now, "DownloadedAt": now,
	})
	if err := os.WriteFile(filepath.Join(dir, "metadata.json"), metadata, 0o644); err != nil {
		log.Fatal(err)
	}
}

// writeJavaDB writes an empty Java index database (trivy-java-db's schema) in dir.
func writeJavaDB(dir string) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		log.Fatal(err)
	}
	db, err := sql.Open("sqlite", filepath.Join(dir, "trivy-java.db"))
	if err != nil {
		log.Fatal(err)
	}
	for _, statement := range []string{
		"CREATE TABLE artifacts(id INTEGER PRIMARY KEY, group_id TEXT, artifact_id TEXT)",
		"CREATE TABLE indices(artifact_id INTEGER, version TEXT, sha1 BLOB, archive_type TEXT, foreign key (artifact_id) references artifacts(id))",
		"CREATE UNIQUE INDEX artifacts_idx ON artifacts(artifact_id, group_id)",
		"CREATE INDEX indices_artifact_idx ON indices(artifact_id)",
		"CREATE UNIQUE INDEX indices_sha1_idx ON indices(sha1)",
	} {
		if _, err := db.Exec(statement); err != nil {
			log.Fatal(err)
		}
	}
	if err := db.Close(); err != nil {
		log.Fatal(err)
	}
	writeMetadata(dir, 1)
}

// put stores the JSON of path's last element under the nested buckets and key before it.
func put(tx *bolt.Tx, path []any) error {
	names, key, value := path[:len(path)-2], path[len(path)-2].(string), path[len(path)-1]
	bucket, err := tx.CreateBucketIfNotExists([]byte(names[0].(string)))
	for _, name := range names[1:] {
		if err != nil {
			return err
		}
		bucket, err = bucket.CreateBucketIfNotExists([]byte(name.(string)))
	}
	if err != nil {
		return err
	}
	data, err := json.Marshal(value)
	if err != nil {
		return err
	}
	return bucket.Put([]byte(key), data)
}
