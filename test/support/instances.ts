// Several Vestibule instances in one test process: each its own createSystem + buildApp
// (own pool, own Redis client) on one PostgreSQL database and one Redis prefix, as
// behind a load balancer. Requests go in through app.inject.
import { randomUUID } from "node:crypto";
import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import { loadConfig } from "../../src/config.js";
import { setEnabledMethods } from "../../src/core/policy.js";
import type { User } from "../../src/core/ports.js";
import { totpSecretAad } from "../../src/core/secrets.js";
import { generateTotpSecret } from "../../src/core/totp.js";
import { createSystem, type System, systemRandom } from "../../src/system.js";
import {
  csrfOf,
  DEFAULT_PASSWORD,
  encodeForm,
  type FixedClock,
  type FormFields,
  location,
  TEST_SECRET_KEY,
} from "./app.js";
import { storeConfirmedAuthenticator } from "./authenticator.js";

export interface Instance {
  name: string;
  system: System;
  app: FastifyInstance;
  close(): Promise<void>;
}

export async function startInstance(
  name: string,
  env: Record<string, string>,
  clock: FixedClock,
): Promise<Instance> {
  const config = loadConfig({
    NODE_ENV: "test",
    SECRET_KEY: TEST_SECRET_KEY,
    LOG_LEVEL: "silent",
    ...env,
  });
  const system = await createSystem(config, { clock });
  const app = await system.buildApp();
  await app.ready();
  return {
    name,
    system,
    app,
    async close() {
      await app.close();
      await system.close();
    },
  };
}

/** Adds a user with the real hasher and a confirmed authenticator; returns its secret. */
export async function addEnrolledUser(
  system: System,
  clock: FixedClock,
  username = `u${randomUUID().slice(0, 8)}`,
): Promise<{ user: User; secret: string }> {
  await setEnabledMethods(system.store, ["app"]);
  const user = await system.store.createUser(
    {
      username,
      role: "user",
      passwordHash: await system.hasher.hash(DEFAULT_PASSWORD),
      mustChangePassword: false,
    },
    randomUUID(),
    clock.now(),
  );
  if (!user) throw new Error(`user ${username} exists`);
  const secret = generateTotpSecret(systemRandom);
  const sealed = system.core.box.seal(secret, totpSecretAad(user.id));
  // Confirmed long ago: step 0 is older than any code a test uses.
  await storeConfirmedAuthenticator(system.store, user.id, sealed, 0, clock.now());
  return { user, secret };
}

/**
 * One browser behind a load balancer: one cookie jar, and each request goes to the
 * instance the test names. Same cookie handling as test/support/app.ts's Browser.
 */
export class BalancedBrowser {
  readonly jar = new Map<string, string>();
  html = "";

  constructor(
    readonly instances: Instance[],
    readonly ip = "127.0.0.1",
  ) {}

  async request(
    index: number,
    method: "GET" | "POST",
    url: string,
    fields?: FormFields,
  ): Promise<LightMyRequestResponse> {
    const headers: Record<string, string> = {};
    const cookie = [...this.jar].map(([k, v]) => `${k}=${v}`).join("; ");
    if (cookie) headers.cookie = cookie;
    let payload: string | undefined;
    if (fields) {
      headers["content-type"] = "application/x-www-form-urlencoded";
      payload = encodeForm({ _csrf: csrfOf(this.html), ...fields });
    }
    const instance = this.instances[index % this.instances.length]!;
    const res = await instance.app.inject({
      method,
      url,
      headers,
      remoteAddress: this.ip,
      ...(payload === undefined ? {} : { payload }),
    });
    for (const c of res.cookies as { name: string; value: string; expires?: Date }[]) {
      const gone = c.value === "" || (c.expires !== undefined && c.expires.getTime() <= Date.now());
      if (gone) this.jar.delete(c.name);
      else this.jar.set(c.name, c.value);
    }
    if (String(res.headers["content-type"] ?? "").startsWith("text/html")) this.html = res.body;
    return res;
  }

  get(index: number, url: string): Promise<LightMyRequestResponse> {
    return this.request(index, "GET", url);
  }

  post(index: number, url: string, fields: FormFields): Promise<LightMyRequestResponse> {
    return this.request(index, "POST", url, fields);
  }

  /** Login page and password on instance `index`; returns where it leads. */
  async password(index: number, username: string, password = DEFAULT_PASSWORD): Promise<string> {
    await this.get(index, "/login");
    const res = await this.post(index, "/login", { username, password });
    return location(res) || String(res.statusCode);
  }
}
