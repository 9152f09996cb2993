import type { FastifyInstance } from "fastify";
import { registerAuditRoutes } from "./audit.js";
import { registerSettingsRoutes } from "./settings.js";
import { registerUserRoutes, type StaffRouteDeps } from "./users.js";

/** The supervisor and administrator pages, as one plugin for buildApp's `plugins`. */
export function staffRoutes(deps: StaffRouteDeps): (app: FastifyInstance) => void {
  return (app) => {
    registerUserRoutes(app, deps);
    registerSettingsRoutes(app, deps);
    registerAuditRoutes(app, deps);
  };
}
