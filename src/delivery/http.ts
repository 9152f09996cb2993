import { DeliveryError } from "../core/ports.js";

export type FetchLike = typeof fetch;

/**
 * POSTs to an HTTP provider, turning "no answer" and network faults into DeliveryError.
 * The signal also bounds reading the response body, so a provider that sends headers and
 * then stalls cannot hold a sign-in request open past `timeoutMs`.
 */
export async function postToProvider(
  provider: string,
  url: string,
  init: { headers: Record<string, string>; body: string },
  timeoutMs: number,
  fetchImpl: FetchLike,
): Promise<{ status: number; text: string }> {
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const response = await fetchImpl(url, { method: "POST", ...init, signal, redirect: "error" });
    const text = await response.text();
    return { status: response.status, text };
  } catch (error) {
    if (signal.aborted) {
      throw new DeliveryError(`${provider} did not answer within ${timeoutMs} ms`);
    }
    // Only the error's code/name: the request (with the message body) is never quoted.
    throw new DeliveryError(`${provider} request failed: ${describeNetworkError(error)}`);
  }
}

function describeNetworkError(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause as { code?: unknown } | undefined;
    if (cause && typeof cause.code === "string") return cause.code;
    return error.name;
  }
  return "unknown error";
}

export function requirePositiveTimeout(timeoutMs: number, what: string): number {
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new Error(`${what}: timeoutMs must be a positive number of milliseconds`);
  }
  return timeoutMs;
}
