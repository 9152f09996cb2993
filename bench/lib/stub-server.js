import http from "node:http";

// Replays recorded responses (stub.js) by method and path: the generator's counterpart
// when it is measured alone. Gets the exchanges over IPC, answers its port; ends with
// the bench.
process.on("disconnect", () => process.exit(0));
process.once("message", (exchanges) => {
  const answers = new Map();
  for (const e of exchanges) {
    const headers = [];
    for (let i = 0; i < e.rawHeaders.length; i += 2) {
      const name = e.rawHeaders[i].toLowerCase();
      // Framing is the stub's own (it may differ from the recording); the rest as recorded.
      if (name !== "content-length" && name !== "transfer-encoding" && name !== "connection") {
        headers.push([e.rawHeaders[i], e.rawHeaders[i + 1]]);
      }
    }
    const body = Buffer.from(e.body, "latin1");
    headers.push(["content-length", String(body.length)]);
    answers.set(`${e.method} ${e.path}`, { status: e.status, headers, body });
  }
  const server = http.createServer((req, res) => {
    const answer = answers.get(`${req.method} ${req.url}`);
    req.resume();
    req.on("end", () => {
      if (!answer) return res.writeHead(404).end();
      res.writeHead(answer.status, answer.headers.flat());
      res.end(answer.body);
    });
  });
  server.keepAliveTimeout = 72_000;
  server.listen(0, "127.0.0.1", () => process.send(server.address().port));
});
