import { type Logger, pino } from "pino";

export type { Logger };

/** pino's levels; LOG_LEVEL must be one of them (config.ts). */
export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

export interface LogSink {
  write(line: string): void;
}

export interface Log {
  logger: Logger;
  /** Sends the lines elsewhere from now on (a test's capture, the CLI's stderr). */
  redirect(sink: LogSink): void;
}

/**
 * One JSON line per event, on stdout unless redirected. The server, its requests
 * (Fastify's child loggers) and the audit path share this one logger, so a test that
 * captures it sees every line. Lines are built from fields we choose: no request body,
 * header or cookie is ever passed in; the redaction is a second guard for error objects.
 */
export function createLog(level: string, sink: LogSink = process.stdout): Log {
  let target = sink;
  const logger = pino(
    {
      level,
      redact: ["req.headers.cookie", "req.headers.authorization", 'res.headers["set-cookie"]'],
    },
    { write: (line: string) => target.write(line) },
  );
  return {
    logger,
    redirect(next) {
      target = next;
    },
  };
}
