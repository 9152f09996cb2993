import { readFileSync } from "node:fs";
import cookie from "@fastify/cookie";
import helmet from "@fastify/helmet";
import Fastify, {
  type FastifyError,
  type FastifyInstance,
  type FastifyServerOptions,
} from "fastify";
import { mountOidc } from "../oidc/mount.js";
import { t } from "../words/catalogue.js";
import { pageContext } from "./context.js";
import { type FormPagesDeps, formPages, pageCsp } from "./forms.js";
import { forwardAuthEndpoints } from "./forward-auth.js";
import { csrfValid, sendPage } from "./http.js";
import { errorPage, formExpiredPage } from "./pages.js";

export interface AppDeps extends FormPagesDeps {
  /** Resolves when the database answers. */
  ping: () => Promise<void>;
  trustProxy: string | false;
  logLevel: string;
  /** Further dependencies /healthz checks besides the database (e.g. redis), by name. */
  healthChecks?: Record<string, () => Promise<void>>;
  /** Where log lines go (tests capture them); stdout when absent. */
  logStream?: { write(line: string): void };
  /** PUBLIC_URL: the OpenID Connect issuer's origin and forward-auth's Login address. */
  publicUrl: string;
}

const CSS = readFileSync(new URL("./assets/app.css", import.meta.url));
const BODY_LIMIT_BYTES = 16 * 1024;

/**
 * The HTTP server: logging, security headers, errors, /healthz and the stylesheet at the
 * root; the form pages as one plugin beside which protocol endpoints are mounted.
 */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { kit } = deps;
  const options: FastifyServerOptions = {
    bodyLimit: BODY_LIMIT_BYTES,
    trustProxy: deps.trustProxy === false ? false : deps.trustProxy,
    logger: {
      level: deps.logLevel,
      // Request logs carry method, url and status only: never bodies, never cookies.
      redact: ["req.headers.cookie", "req.headers.authorization", 'res.headers["set-cookie"]'],
      ...(deps.logStream ? { stream: deps.logStream } : {}),
    },
    routerOptions: { maxParamLength: 200 },
  };
  const app = Fastify(options);
  await app.register(cookie);
  await app.register(helmet, {
    // Pages get theirs (forms.ts); anything else the strictest (below).
    contentSecurityPolicy: false,
    strictTransportSecurity: kit.secure,
    referrerPolicy: { policy: "no-referrer" },
  });
  const pages = pageCsp(kit.secure);
  app.addHook("onSend", async (_request, reply, payload) => {
    // Nothing we serve after a sign-in step should sit in a shared or back-button cache.
    if (!reply.hasHeader("cache-control")) reply.header("cache-control", "no-store");
    // The 404 and error pages, and anything that sets none: the pages' CSP (no script).
    if (!reply.hasHeader("content-security-policy")) reply.header("content-security-policy", pages);
    return payload;
  });

  app.setErrorHandler(async (error: FastifyError, request, reply) => {
    const status = typeof error.statusCode === "number" ? error.statusCode : 0;
    const ctx = pageContext(kit, request);
    if (status === 413) {
      // Bigger than any form of ours holds: say so (an over-long password, pasted text).
      return sendPage(
        reply,
        errorPage(
          ctx,
          t(ctx.locale, "error.too_large.title"),
          t(ctx.locale, "error.too_large.text"),
        ),
        413,
      );
    }
    if (status >= 400 && status < 500) {
      // Malformed bodies, wrong content types, oversize forms: the client's mistake.
      return sendPage(
        reply,
        errorPage(
          ctx,
          t(ctx.locale, "error.bad_request.title"),
          t(ctx.locale, "error.bad_request.text"),
        ),
        status,
      );
    }
    request.log.error({ err: { type: error.name, message: error.message } }, "request failed");
    reply.header("retry-after", "5");
    return sendPage(
      reply,
      errorPage(
        ctx,
        t(ctx.locale, "error.unavailable.title"),
        t(ctx.locale, "error.unavailable.text"),
      ),
      503,
    );
  });

  app.setNotFoundHandler(async (request, reply) => {
    const ctx = pageContext(kit, request);
    // A form post without its token is refused as such wherever it goes, so whether a
    // path takes forms cannot be learnt from the answer (403 here as on a form route).
    if (request.method === "POST" && !csrfValid(kit, request)) {
      return sendPage(reply, formExpiredPage(ctx), 403);
    }
    return sendPage(
      reply,
      errorPage(ctx, t(ctx.locale, "error.not_found.title"), t(ctx.locale, "error.not_found.text")),
      404,
    );
  });

  app.get("/assets/app.css", async (_request, reply) =>
    reply.type("text/css; charset=utf-8").header("cache-control", "public, max-age=3600").send(CSS),
  );

  app.get("/healthz", async (_request, reply) => {
    const checks = { database: deps.ping, ...deps.healthChecks };
    for (const [name, check] of Object.entries(checks)) {
      try {
        await check();
      } catch {
        return reply.code(503).send({ status: "unavailable", reason: name });
      }
    }
    return reply.send({ status: "ok" });
  });

  await app.register(formPages(deps));
  // Protocol endpoints beside the form pages (issue 10): the OpenID Connect provider,
  // loaded on its first request (system.ts), and forward-auth for reverse proxies.
  await mountOidc(app, deps.publicUrl, (req, res, next) => {
    deps.oidc().then((seam) => seam.handle(req, res, next), next);
  });
  await app.register(
    forwardAuthEndpoints({
      kit,
      core: deps.core,
      trustProxy: deps.trustProxy,
      publicUrl: deps.publicUrl,
      returnPolicy: deps.returnPolicy,
    }),
  );
  return app;
}
