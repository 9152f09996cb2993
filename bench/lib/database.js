import { rmSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";

/**
 * A fresh, empty database for one server: a SQLite file under bench/out/, or a new
 * PostgreSQL database created next to the one BENCH_DATABASE_URL names.
 */
export async function freshDatabase(outDir, pgUrl, label) {
  const name = `vestibule_bench_${label}_${Date.now()}`;
  if (!pgUrl) {
    const file = join(outDir, `${name}.db`);
    return {
      url: `sqlite:${file}`,
      kind: "SQLite",
      drop: async () => {
        for (const suffix of ["", "-wal", "-shm"]) rmSync(`${file}${suffix}`, { force: true });
      },
    };
  }
  const admin = new pg.Client({ connectionString: pgUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(pgUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    kind: "PostgreSQL",
    drop: async () => {
      const client = new pg.Client({ connectionString: pgUrl });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    },
  };
}
