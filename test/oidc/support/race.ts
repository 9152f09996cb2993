// Racing redemptions: a barrier in front of the adapter's consume holds every request
// until all of them have passed the provider's own "already consumed?" check, so the
// race the tests claim to win really happens on every run (no timing luck).
import type { OidcStorage, ProviderAdapter } from "../../../src/oidc/adapter.js";
import { type OidcServer, PUBLIC_URL } from "./oidc-server.js";

export interface Barrier {
  arrive(): Promise<void>;
}

/** Resolves every arrival once `parties` have arrived. */
export function barrier(parties: number): Barrier {
  let arrived = 0;
  let release!: () => void;
  const all = new Promise<void>((resolve) => {
    release = resolve;
  });
  return {
    arrive() {
      arrived += 1;
      if (arrived === parties) release();
      return all;
    },
  };
}

export interface Gate {
  current?: Barrier;
}

/** `consume` of these models waits at the gate's barrier, when one is set (and is replaced, if given). */
export function holdConsume(
  models: string[],
  gate: Gate,
  consume?: (model: string, id: string) => Promise<void>,
): (storage: OidcStorage) => OidcStorage {
  return (storage) => ({
    ...storage,
    adapter(name): ProviderAdapter {
      const inner = storage.adapter(name);
      if (!models.includes(name)) return inner;
      return {
        ...inner,
        async consume(id) {
          await gate.current?.arrive();
          return consume ? consume(name, id) : inner.consume(id);
        },
      };
    },
  });
}

export interface TokenAnswer {
  status: number;
  body: Record<string, unknown>;
}

/** A raw token request (basic auth), so the test sees exact statuses. */
export async function tokenRequest(
  server: OidcServer,
  client: { clientId: string; clientSecret?: string },
  params: Record<string, string>,
): Promise<TokenAnswer> {
  const auth = Buffer.from(
    `${encodeURIComponent(client.clientId)}:${encodeURIComponent(client.clientSecret ?? "")}`,
  ).toString("base64");
  const response = await server.fetch(`${PUBLIC_URL}/oidc/token`, {
    method: "POST",
    headers: {
      authorization: `Basic ${auth}`,
      "content-type": "application/x-www-form-urlencoded",
    },
    body: new URLSearchParams(params),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

export function tally(answers: TokenAnswer[]) {
  return {
    ok: answers.filter((a) => a.status === 200).length,
    invalidGrant: answers.filter((a) => a.status === 400 && a.body.error === "invalid_grant")
      .length,
    statuses: answers.map((a) => a.status),
  };
}
