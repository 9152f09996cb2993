// A TCP proxy the test controls, between an instance and PostgreSQL or Redis: cut()
// drops every connection and refuses new ones (as a dead store or a partition would),
// stall() keeps connections open but lets no byte through (a black hole: packets
// dropped, no reset), restore() lets connections through again.

import type { AddressInfo } from "node:net";
import { connect, createServer, type Server, type Socket } from "node:net";

export interface TcpProxy {
  port: number;
  cut(): void;
  stall(): void;
  restore(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(targetHost: string, targetPort: number): Promise<TcpProxy> {
  let open = true;
  let stalled = false;
  const sockets = new Set<Socket>();
  const track = (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
    s.on("error", () => {});
  };
  const server: Server = createServer((client) => {
    track(client);
    if (!open) {
      client.destroy();
      return;
    }
    if (stalled) return; // accepted, never answered
    const upstream = connect(targetPort, targetHost);
    track(upstream);
    // Forwarded by hand, so a stall can swallow bytes instead of passing them on.
    client.on("data", (chunk) => {
      if (!stalled) upstream.write(chunk);
    });
    upstream.on("data", (chunk) => {
      if (!stalled) client.write(chunk);
    });
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    cut() {
      open = false;
      for (const s of sockets) s.destroy();
    },
    stall() {
      stalled = true;
    },
    restore() {
      // Connections that lived through a stall lost bytes; like TCP after a long
      // partition, they are dead. New ones go through.
      if (stalled) for (const s of sockets) s.destroy();
      stalled = false;
      open = true;
    },
    close() {
      open = false;
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
