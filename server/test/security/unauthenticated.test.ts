// Attacks that need no login (issue 14): each is refused cheaply with a client code in tRPC's shape, and none of them
// grows /metrics. Metrics here need the scraper's bearer token.
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../harness/test-server.ts';

const METRICS_TOKEN = 'scraper-token-0123456789abcdef';

type TrpcError = { error: { code: number; message: string; data: { code: string; httpStatus: number; appCode: string } } };

describe('attacks without a login', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ METRICS_TOKEN });
  });
  afterAll(async () => {
    await server?.close();
  });

  const scrape = async () => {
    const response = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(response.status).toBe(200);
    return response.text();
  };
  const trpcError = async (response: Response, status: number, appCode: string) => {
    expect(response.status).toBe(status);
    const body = (await response.json()) as TrpcError;
    expect(body.error.data).toMatchObject({ httpStatus: status, appCode });
    expect(typeof body.error.code).toBe('number');
    return body;
  };

  it('/metrics answers only with the bearer token', async () => {
    expect((await fetch(`${server.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${server.url}/metrics`, { headers: { authorization: 'Bearer wrong-token-0123456789' } })).status).toBe(401);
    expect(await scrape()).toMatch(/nodejs_eventloop_lag_p99_seconds/);
  });

  it('unknown /trpc paths are one "unknown" series: /metrics does not grow with the paths requested', async () => {
    await fetch(`${server.url}/trpc/me.get`);
    await fetch(`${server.url}/trpc/not.a.procedure-warmup`);
    const before = await scrape();
    for (let i = 0; i < 300; i += 30) {
      await Promise.all(
        Array.from({ length: 30 }, (_, j) => fetch(`${server.url}/trpc/x${i + j}.${'y'.repeat(200)}`).then((r) => r.body?.cancel())),
      );
    }
    await Promise.all(Array.from({ length: 20 }, (_, i) => fetch(`${server.url}/nothing/here/${i}`).then((r) => r.body?.cancel())));
    const after = await scrape();
    expect(after).not.toMatch(/x\d+\.y/);
    expect(after).not.toMatch(/nothing\/here/);
    expect(after).toMatch(/slotpilot_http_request_duration_seconds_count\{method="GET",route="trpc:unknown",status="404"\} \d+/);
    expect(after).toMatch(/route="unknown"/);
    // Only counts and sums change (the same series), plus at most the one new "unknown" route series' buckets.
    expect(after.length - before.length).toBeLessThan(3_000);
  });

  it('a path over the parameter limit is 414, an 8 kB+ URL is 414, 16 kB+ of headers is 431', async () => {
    await trpcError(await fetch(`${server.url}/trpc/${'me.get,'.repeat(60)}me.get`), 414, 'REQUEST_TOO_LARGE');
    await trpcError(await fetch(`${server.url}/trpc/me.get?input=${'a'.repeat(9_000)}`), 414, 'REQUEST_TOO_LARGE');
    const { status, body } = await rawGet(server.url, '/trpc/me.get', { 'x-pad': 'p'.repeat(20_000) });
    expect(status).toBe(431);
    expect(JSON.parse(body)).toMatchObject({ error: { data: { httpStatus: 431, appCode: 'REQUEST_TOO_LARGE' } } });
  });

  it('a body over 128 kB is 413, a batch of 11 calls is refused, wrong methods and media types are 405/415', async () => {
    const big = JSON.stringify({ kind: 'api_token', name: 'x', secret: 'a'.repeat(200_000) });
    await trpcError(
      await fetch(`${server.url}/trpc/keys.add`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: big }),
      413,
      'REQUEST_TOO_LARGE',
    );
    const batch = await fetch(`${server.url}/trpc/${Array.from({ length: 11 }, () => 'me.get').join(',')}?batch=1&input={}`);
    expect(batch.status).toBe(400);
    expect(JSON.stringify(await batch.json())).toContain('"appCode":"REQUEST_TOO_LARGE"');
    await trpcError(await fetch(`${server.url}/trpc/keys.add`), 405, 'METHOD_NOT_ALLOWED');
    // A method tRPC does not speak at all is a client error too, never INTERNAL.
    expect((await fetch(`${server.url}/trpc/me.get`, { method: 'DELETE' })).status).toBeLessThan(500);
    await trpcError(
      await fetch(`${server.url}/trpc/keys.add`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello' }),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
    // English for English speakers, as for every other error.
    const en = await fetch(`${server.url}/trpc/keys.add`, { headers: { 'accept-language': 'en' } });
    expect(((await en.json()) as TrpcError).error.message).toBe('This address does not accept this request method.');
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });
});

/** A GET with whatever headers we like (fetch refuses nothing, but undici may split huge headers itself). */
function rawGet(base: string, path: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${base}${path}`, { headers }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}
