// Whatever happens, the log never carries a WB token, a portal session, Telegram init data or the master key —
// not in fields, not in URLs, not inside error objects and their stacks.
import { readFile } from 'node:fs/promises';
import { addDays, moscowToday } from '@slotpilot/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeWbToken, parsePortalSession } from '../../src/wb/token.ts';
import { sandboxControl } from '../harness/sandbox-control.ts';
import { startTestServer, type TestServer } from '../harness/test-server.ts';

describe('secrets never reach the log', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ LOG_LEVEL: 'debug' });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('through key validation, tasks, rejected logins, streams and errors', async () => {
    const wb = sandboxControl(server.sandboxUrl);
    const seller = await wb.createSeller();
    const user = { id: 4_400, firstName: 'Sec' };
    const client = server.client(user);
    await client.keys.add.mutate({ kind: 'api_token', name: 'API', secret: seller.apiToken });
    await client.keys.add.mutate({ kind: 'portal_session', name: 'Portal', secret: seller.portalSession });
    // A wrong key, a forged login, an SSE URL with credentials in its query.
    const revoked = encodeWbToken({ sid: crypto.randomUUID(), id: 'revoked', exp: Math.floor(Date.now() / 1000) + 3600, s: 1 << 10 });
    await client.keys.add.mutate({ kind: 'api_token', name: 'bad', secret: revoked }).catch(() => undefined);
    const initData = server.initData.sign(user);
    await fetch(`${server.url}/trpc/me.get`, { headers: { authorization: `tma ${initData}x` } });
    await fetch(
      `${server.url}/trpc/tasks.onChange?connectionParams=${encodeURIComponent(JSON.stringify({ authorization: `tma ${initData}` }))}`,
    ).then((r) => r.body?.cancel());
    const preorder = seller.preorders.find((p) => p.warehouseId === 507)!;
    await client.tasks.create.mutate({
      kind: 'supply',
      mode: 'autobook',
      warehouseIds: [507],
      boxTypeId: 2,
      dateFrom: moscowToday(),
      dateTo: addDays(moscowToday(), 5),
      maxCoefficient: 0,
      preorderId: String(preorder.id),
    });
    // An error object that quotes a secret, logged the way any component logs failures.
    server.app.log.error({ err: new Error(`WB said no to ${seller.portalSession}`), event: 'test.error' }, `failed for ${seller.apiToken}`);

    const masterKey = (await readFile(`${server.dataDir}/master-key`, 'utf8')).trim();
    const session = parsePortalSession(seller.portalSession)!;
    const hash = new URLSearchParams(initData).get('hash')!;
    const text = server.logs.text;
    expect(text).toContain('test.error');
    for (const [name, secret] of Object.entries({
      apiToken: seller.apiToken,
      portalSession: seller.portalSession,
      sessionToken: session.token,
      validationKey: session.validationKey,
      initDataHash: hash,
      masterKey,
      revokedToken: revoked,
    })) {
      expect(text.includes(secret), `${name} leaked into the log`).toBe(false);
    }
  });
});
