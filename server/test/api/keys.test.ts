import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Credential } from '../../src/db/entities/credential.ts';
import { encodeWbToken, TOKEN_CATEGORY_BITS } from '../../src/wb/token.ts';
import type { SandboxSeller } from '../harness/sandbox.ts';
import { startTestServer, type TestServer } from '../harness/test-server.ts';
import { failure } from '../harness/trpc-failure.ts';

const seller1 = { id: 8101, firstName: 'Олег', languageCode: 'ru' };
const seller2 = { id: 8102, firstName: 'Emma', languageCode: 'en' };

describe('keys', () => {
  let server: TestServer;
  const createSeller = async (options: Record<string, unknown> = {}): Promise<SandboxSeller> => {
    const response = await fetch(`${server.sandboxUrl}/__sandbox/sellers`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(options),
    });
    return (await response.json()) as SandboxSeller;
  };

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  it('adds an API token after WB accepts it, and shows only the seller name and a masked hint', async () => {
    const seller = await createSeller({ name: 'ИП Петров' });
    const added = await server.client(seller1).keys.add.mutate({ kind: 'api_token', name: 'Основной', secret: seller.apiToken });
    // Sharing with the feed is the seller's explicit choice: off unless asked for.
    expect(added).toMatchObject({ kind: 'api_token', name: 'Основной', sellerName: 'ИП Петров', valid: true, shareFeed: false });
    expect(added.hint).toMatch(/^eyJ.…/);
    const listed = await server.client(seller1).keys.list.query();
    expect(JSON.stringify(listed)).not.toContain(seller.apiToken);
    expect(listed.map((k) => k.id)).toContain(added.id);
    const stored = await server.orm.em.fork().findOneOrFail(Credential, added.id);
    expect(JSON.stringify(stored)).not.toContain(seller.apiToken);
    expect(stored.sellerSid).toBe(seller.sid);
    expect(server.logs.text).not.toContain(seller.apiToken);
  });

  it('adds a portal session after the portal validates it', async () => {
    const seller = await createSeller({ name: 'ООО Север' });
    const added = await server.client(seller1).keys.add.mutate({ kind: 'portal_session', name: 'Кабинет', secret: seller.portalSession });
    expect(added).toMatchObject({ kind: 'portal_session', sellerName: 'ООО Север', shareFeed: false });
    expect(added.hint).toMatch(/^WBTokenV3 …/);
  });

  it('explains each kind of bad key specifically, in the user language', async () => {
    const ru = server.client(seller1).keys.add;
    const en = server.client(seller2).keys.add;
    const expired = await createSeller({ tokenExpiresInS: -3600 });
    const contentOnly = await createSeller({ categories: 1 << TOKEN_CATEGORY_BITS.content });
    const revoked = encodeWbToken({
      sid: crypto.randomUUID(),
      id: 'gone',
      exp: Math.floor(Date.now() / 1000) + 86_400,
      s: 1 << TOKEN_CATEGORY_BITS.supplies,
    });

    const cases = [
      [ru, { kind: 'api_token', name: 'x', secret: 'hello world' }, 'KEY_NOT_A_TOKEN', /не похоже на API-токен/],
      [en, { kind: 'api_token', name: 'x', secret: expired.apiToken }, 'KEY_EXPIRED', /expired on \d{4}-\d{2}-\d{2}/],
      [en, { kind: 'api_token', name: 'x', secret: contentOnly.apiToken }, 'KEY_WRONG_CATEGORY', /"Supplies" category/],
      [ru, { kind: 'api_token', name: 'x', secret: revoked }, 'KEY_REJECTED', /WB отклонил этот токен/],
      [en, { kind: 'portal_session', name: 'x', secret: 'WBTokenV3=abc' }, 'KEY_SESSION_BAD_TOKEN', /starts with "eyJ"/],
      [
        en,
        { kind: 'portal_session', name: 'x', secret: `WBTokenV3=${revoked}; wbx-validation-key=k; x-supplier-id=s` },
        'KEY_SESSION_REJECTED',
        /expired/,
      ],
      [en, { kind: 'api_token', name: '', secret: 'x' }, 'BAD_INPUT', /^Field "name": must not be empty\.$/],
    ] as const;
    for (const [add, input, appCode, message] of cases) {
      const error = await failure(add.mutate(input as never));
      expect({ appCode: error.data?.appCode, message: error.message }).toEqual({ appCode, message: expect.stringMatching(message) });
    }
    expect(await server.client(seller2).keys.list.query()).toEqual([]);
  });

  it('refuses the same key twice and a sixth key of a kind', async () => {
    const user = { id: 8103, firstName: 'Max', languageCode: 'en' };
    const first = await createSeller();
    await server.client(user).keys.add.mutate({ kind: 'api_token', name: 'a', secret: first.apiToken });
    expect(
      (await failure(server.client(user).keys.add.mutate({ kind: 'api_token', name: 'b', secret: first.apiToken }))).data?.appCode,
    ).toBe('KEY_DUPLICATE');
    for (let i = 0; i < 4; i++) {
      const seller = await createSeller();
      await server.client(user).keys.add.mutate({ kind: 'portal_session', name: `s${i}`, secret: seller.portalSession });
    }
    const fifth = await createSeller();
    await server.client(user).keys.add.mutate({ kind: 'portal_session', name: 's5', secret: fifth.portalSession });
    const sixth = await createSeller();
    const error = await failure(server.client(user).keys.add.mutate({ kind: 'portal_session', name: 's6', secret: sixth.portalSession }));
    expect(error.data).toMatchObject({ appCode: 'KEY_LIMIT', httpStatus: 403 });
  });

  it("removes a key, and never another user's", async () => {
    const seller = await createSeller();
    const key = await server.client(seller1).keys.add.mutate({ kind: 'api_token', name: 'tmp', secret: seller.apiToken });
    const error = await failure(server.client(seller2).keys.remove.mutate({ id: key.id }));
    expect(error.data).toMatchObject({ appCode: 'NOT_FOUND', httpStatus: 404 });
    await server.client(seller1).keys.remove.mutate({ id: key.id });
    expect((await server.client(seller1).keys.list.query()).map((k) => k.id)).not.toContain(key.id);
  });
});
