import type { FastifyInstance } from "fastify";
import type { Config } from "./config.js";
import type { Audit } from "./core/audit.js";
import type { PasswordHasher } from "./core/password.js";
import type { Mailer } from "./core/ports/delivery.js";
import type { Limits } from "./core/ports/limits.js";
import type { Clock } from "./core/ports/runtime.js";
import type { Stores } from "./core/ports/stores.js";
import type { UserAdminDeps } from "./core/user-admin.js";
import { normalizePhone } from "./delivery/phone.js";
import type { Core } from "./system.js";
import type { WebKit } from "./web/http.js";
import type { PageContext } from "./web/pages.js";
import { staffLinks } from "./web/pages-admin.js";
import { staffRoutes } from "./web/routes/staff.js";
import type { Html } from "./words/html.js";

export interface StaffParts {
  /** The supervision and user-management core, as the web and the CLI use it. */
  admin: UserAdminDeps;
  routes: (app: FastifyInstance) => void;
  homeLinks: (ctx: PageContext & { user: NonNullable<PageContext["user"]> }) => Html;
}

/** Wires supervision: the core deps, the staff routes and the home page's links. */
export function createStaffParts(parts: {
  config: Config;
  /** The flow core: staff actions ask for a fresh second factor (web/step-up.ts). */
  core: Core;
  stores: Stores;
  limits: Limits;
  clock: Clock;
  audit: Audit;
  hasher: PasswordHasher;
  kit: WebKit;
  /** The email sender where SMTP (or the dev outbox) is set up; without it users are not told. */
  mailer?: Mailer;
  /**
   * True when the mailer is a real SMTP server. Otherwise it is the development outbox
   * (the CLI's is in memory and vanishes): the notice is still written there, but the
   * page does not say that the user was emailed.
   */
  mailerReachesUsers?: boolean;
  /** Refuses methods that cannot work here (no SMS provider in production, …). */
  methodsProblem?: UserAdminDeps["methodsProblem"];
  /** Force New Password and deactivation end the provider's sessions too (system.ts). */
  onAccountEnded?: UserAdminDeps["onAccountEnded"];
}): StaffParts {
  const { config, stores, limits, clock, audit, hasher, kit, mailer, methodsProblem } = parts;
  const reachesUsers = parts.mailerReachesUsers === true;
  const admin: UserAdminDeps = {
    stores,
    limits,
    clock,
    audit,
    hasher,
    passwordRules: config.passwordRules,
    normalizePhone,
    ...(methodsProblem ? { methodsProblem } : {}),
    ...(parts.onAccountEnded ? { onAccountEnded: parts.onAccountEnded } : {}),
    // Notices (Force New Password, a changed contact) go through the outbox
    // (delivery/wire.ts); the page says "emailed" only when mail reaches people.
    emailReachesUsers: reachesUsers && mailer !== undefined,
  };
  return {
    admin,
    routes: staffRoutes({ kit, core: parts.core, admin }),
    homeLinks: staffLinks,
  };
}
