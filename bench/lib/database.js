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
      backendPids: async () => [],
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
    /** The server processes serving this database (their CPU is the sign-in's too). */
    async backendPids() {
      const client = new pg.Client({ connectionString: pgUrl });
      await client.connect();
      try {
        const r = await client.query(
          "select pid from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()",
          [name],
        );
        return r.rows.map((row) => row.pid);
      } finally {
        await client.end();
      }
    },
    drop: async () => {
      const client = new pg.Client({ connectionString: pgUrl });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    },
  };
}
