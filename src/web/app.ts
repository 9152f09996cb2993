import { readFileSync } from "node:fs";
import cookie from "@fastify/cookie";
import Fastify, {
  type FastifyError,
  type FastifyInstance,
  type FastifyServerOptions,
  LogController,
} from "fastify";
import helmet from "helmet";
import type { Logger } from "../log.js";
import type { Metrics } from "../metrics/metrics.js";
import { mountOidc } from "../oidc/mount.js";
import { t } from "../words/catalogue.js";
import { errorContext, pageContext } from "./context.js";
import { type FormPagesDeps, formPages, logoOrigins, pageCsp, turnAwayWhenBusy } from "./forms.js";
import { forwardAuthEndpoints } from "./forward-auth.js";
import { type HealthDeps, registerHealthRoutes } from "./health.js";
import { csrfValid, sendPage } from "./http.js";
import { registerMetricsRoute } from "./metrics.js";
import { errorPage, formExpiredPage } from "./pages.js";
import { logRequests } from "./request-log.js";

export interface AppDeps extends FormPagesDeps, HealthDeps {
  trustProxy: string | false;
  /** The system's logger (log.ts): request lines go to it as Fastify's child loggers. */
  logger: Logger;
  metrics: Metrics;
  /** Who may read /metrics (METRICS_ALLOW). */
  metricsAllow: readonly string[];
  /** PUBLIC_URL: the OpenID Connect issuer's origin and forward-auth's Login address. */
  publicUrl: string;
}

const CSS = readFileSync(new URL("./assets/app.css", import.meta.url));
const FAVICON = readFileSync(new URL("./assets/favicon.svg", import.meta.url));
/** The favicon never changes under its name: a year, immutable (a new one gets a new name). */
const FAVICON_CACHE = "public, max-age=31536000, immutable";
const BODY_LIMIT_BYTES = 16 * 1024;

/**
 * The headers a helmet middleware sets, collected once: helmet decides them from its
 * options alone, the same for every response.
 */
function fixedHeadersOf(middleware: ReturnType<typeof helmet>): Record<string, string> {
  const headers: Record<string, string> = {};
  const collector = {
    setHeader: (name: string, value: string) => {
      headers[name.toLowerCase()] = String(value);
    },
    removeHeader: (name: string) => {
      delete headers[name.toLowerCase()];
    },
  };
  middleware({} as never, collector as never, () => {});
  return headers;
}

/**
 * The HTTP server: logging, security headers, errors, /livez, /readyz (/healthz), /metrics
 * and the stylesheet at the root; the form pages as one plugin beside which protocol
 * endpoints are mounted.
 */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { kit } = deps;
  // helmet's headers, its middleware made once at start: the Fastify plugin for helmet built a new one
  // (every option parsed again) on each request (issue 13: headers computed once).
  const securityHeaders = helmet({
    // Pages get theirs (forms.ts); anything else the strictest (below).
    contentSecurityPolicy: false,
    strictTransportSecurity: kit.secure,
    referrerPolicy: { policy: "no-referrer" },
  });
  const fixedHeaders = fixedHeadersOf(securityHeaders);
  const pages = pageCsp(kit.secure, [], logoOrigins(kit));
  const options: FastifyServerOptions = {
    bodyLimit: BODY_LIMIT_BYTES,
    // A URL Fastify cannot read (`/login/%zz`) is refused before any hook runs: answer it
    // with our bad-request page and our headers, not Fastify's bare JSON.
    frameworkErrors: (_error, request, reply) => {
      reply.headers(fixedHeaders).header("cache-control", "no-store");
      reply.header("content-security-policy", pages);
      const ctx = errorContext(kit, request);
      const title = t(ctx.locale, "error.bad_request.title");
      sendPage(reply, errorPage(ctx, title, t(ctx.locale, "error.bad_request.text")), 400);
    },
    trustProxy: deps.trustProxy === false ? false : deps.trustProxy,
    loggerInstance: deps.logger,
    // Fastify's two lines per request are replaced by one of ours (request-log.ts).
    logController: new LogController({ disableRequestLogging: true }),
    routerOptions: { maxParamLength: 200 },
  };
  const app = Fastify(options);
  logRequests(app, deps.metrics);
  // First of the onRequest hooks: a busy refusal costs none of the others (forms.ts), so
  // it carries helmet's headers as collected once here (HSTS, framing, …) itself.
  turnAwayWhenBusy(app, kit, deps.hashSaturated, fixedHeaders);
  await app.register(cookie);
  app.addHook("onRequest", (request, reply, done) => {
    securityHeaders(request.raw, reply.raw, () => done());
  });
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

  app.get("/assets/favicon.svg", async (_request, reply) =>
    reply.type("image/svg+xml").header("cache-control", FAVICON_CACHE).send(FAVICON),
  );
  // Browsers ask for /favicon.ico whatever the page links: sent to the SVG, not a 404 line.
  app.get("/favicon.ico", async (_request, reply) =>
    reply.header("cache-control", FAVICON_CACHE).redirect("/assets/favicon.svg", 301),
  );

  registerHealthRoutes(app, deps);
  // Protocol endpoints beside the form pages: no form parsing, CSRF or page CSP.
  registerMetricsRoute(app, deps.metrics, deps.metricsAllow);

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
