import { readFileSync } from "node:fs";
import cookie from "@fastify/cookie";
import formbody from "@fastify/formbody";
import helmet from "@fastify/helmet";
import Fastify, {
  type FastifyError,
  type FastifyInstance,
  type FastifyServerOptions,
} from "fastify";
import type { Store } from "../core/ports.js";
import { t } from "../words/catalogue.js";
import { csrfToken, csrfValid, sendPage, type WebKit } from "./http.js";
import { errorPage, type PageContext } from "./pages.js";
import { registerSignInRoutes, type SignInRouteDeps } from "./routes/signin.js";

export interface AppDeps extends SignInRouteDeps {
  store: Store;
  trustProxy: string | false;
  logLevel: string;
  /** Further dependencies /healthz checks besides the database (e.g. redis), by name. */
  healthChecks?: Record<string, () => Promise<void>>;
  /** Where log lines go (tests capture them); stdout when absent. */
  logStream?: { write(line: string): void };
  /** Further route groups (supervision, codes, dev outbox), registered after sign-in. */
  plugins?: ((app: FastifyInstance) => void)[];
}

const CSS = readFileSync(new URL("./assets/app.css", import.meta.url));
const BODY_LIMIT_BYTES = 16 * 1024;

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
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
  await app.register(formbody);
  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'none'"],
        scriptSrc: ["'none'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", "data:"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        // Over plain http (development) upgrading would break every form post.
        upgradeInsecureRequests: deps.kit.secure ? [] : null,
      },
    },
    strictTransportSecurity: deps.kit.secure,
    referrerPolicy: { policy: "no-referrer" },
  });
  app.addHook("onSend", async (_request, reply, payload) => {
    // Nothing we serve after a sign-in step should sit in a shared or back-button cache.
    if (!reply.hasHeader("cache-control")) reply.header("cache-control", "no-store");
    return payload;
  });

  app.addHook("preHandler", async (request, reply) => {
    if (request.method !== "POST") return;
    if (!csrfValid(deps.kit, request)) {
      const ctx = pageCtx(deps.kit, request);
      return sendPage(
        reply,
        errorPage(
          ctx,
          t(ctx.locale, "error.form_expired.title"),
          t(ctx.locale, "error.form_expired.text"),
        ),
        403,
      );
    }
  });

  app.setErrorHandler(async (error: FastifyError, request, reply) => {
    const status = typeof error.statusCode === "number" ? error.statusCode : 0;
    const ctx = pageCtx(deps.kit, request);
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
    const ctx = pageCtx(deps.kit, request);
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
    const checks = { database: () => deps.store.ping(), ...deps.healthChecks };
    for (const [name, check] of Object.entries(checks)) {
      try {
        await check();
      } catch {
        return reply.code(503).send({ status: "unavailable", reason: name });
      }
    }
    return reply.send({ status: "ok" });
  });

  registerSignInRoutes(app, deps);
  for (const plugin of deps.plugins ?? []) plugin(app);
  return app;
}

function pageCtx(kit: WebKit, request: Parameters<typeof csrfToken>[1]): PageContext {
  return { appName: kit.appName, csrf: csrfToken(kit, request), locale: "en" };
}
