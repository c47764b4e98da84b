// Figure D's second load generator: requests signed beforehand and sent from raw keep-alive
// connections (node:http, no SDK), so the rate measured is the server's, not the client's
// parsing. A pool of requests is signed at the start of each round (SigV4 dates must stay
// within minutes of the server's clock) and sent round robin by `concurrency` connections.
import http from "node:http";

/**
 * Signs each body as an X-Amz-Target `operation` request to `endpoint`.
 * @param {import("@smithy/signature-v4").SignatureV4} signer
 * @param {string} endpoint e.g. http://127.0.0.1:8787
 * @param {string} operation e.g. GetItem
 * @param {string[]} bodies JSON texts
 * @returns {Promise<{ headers: Record<string, string>; body: string }[]>}
 */
export async function presign(signer, endpoint, operation, bodies) {
  const url = new URL(`${endpoint}/`);
  return Promise.all(
    bodies.map(async (body) => {
      const signed = await signer.sign({
        method: "POST",
        protocol: url.protocol,
        hostname: url.hostname,
        port: Number(url.port),
        path: "/",
        headers: {
          host: url.host,
          "content-type": "application/x-amz-json-1.0",
          "x-amz-target": `DynamoDB_20120810.${operation}`,
          "content-length": String(Buffer.byteLength(body)),
        },
        body,
      });
      return { headers: signed.headers, body };
    }),
  );
}

/**
 * Requests per second over `seconds`, `concurrency` connections each sending the next
 * request of `requests` as soon as the previous answer has been read whole. Fails on any
 * answer but 200, so a figure never counts errors as work.
 * @param {string} endpoint
 * @param {http.Agent} agent
 * @param {{ headers: Record<string, string>; body: string }[]} requests
 * @param {number} concurrency
 * @param {number} seconds
 */
export async function rawDrive(endpoint, agent, requests, concurrency, seconds) {
  const url = new URL(`${endpoint}/`);
  let next = 0;
  const send = (request) =>
    new Promise((done, fail) => {
      const req = http.request(
        { agent, method: "POST", host: url.hostname, port: url.port, path: "/", headers: request.headers },
        (response) => {
          const chunks = [];
          response.on("data", (chunk) => chunks.push(chunk));
          response.on("end", () => {
            if (response.statusCode === 200) done();
            else fail(new Error(`raw load: ${response.statusCode} ${Buffer.concat(chunks).toString().slice(0, 300)}`));
          });
        },
      );
      req.on("error", fail);
      req.end(request.body);
    });
  const deadline = performance.now() + seconds * 1000;
  const start = performance.now();
  let count = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        await send(requests[next++ % requests.length]);
        count++;
      }
    }),
  );
  return count / ((performance.now() - start) / 1000);
}
