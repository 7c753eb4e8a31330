// Portal-session keys as a seller really pastes them (a Cookie header or a whole "Copy as cURL"): each problem gets its
// own message saying what to copy; only the three-cookie form is stored; the key expires with the token; sharing with
// the feed is off unless asked for, and allowed for portal sessions too.
import { PORTAL_SESSION_PROBLEM_CODES, parsePortalSessionInput } from '@slotpilot/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Credential } from '../../src/db/entities/credential.ts';
import { encodeWbToken } from '../../src/wb/token.ts';
import { sandboxControl } from '../harness/sandbox-control.ts';
import { startTestServer, type TestServer } from '../harness/test-server.ts';
import { failure } from '../harness/trpc-failure.ts';

describe('portal session keys', () => {
  let server: TestServer;
  let wb: ReturnType<typeof sandboxControl>;
  let nextUser = 16_000;
  const newUser = (languageCode: string) => ({ id: ++nextUser, firstName: `K${nextUser}`, languageCode });

  beforeAll(async () => {
    server = await startTestServer();
    wb = sandboxControl(server.sandboxUrl);
  });
  afterAll(async () => {
    await server?.close();
  });

  async function sellerSession() {
    const seller = await wb.createSeller({ name: 'ООО Кабинет' });
    const parsed = parsePortalSessionInput(seller.portalSession);
    if (!parsed.ok) throw new Error(`the sandbox's session does not parse: ${parsed.problem}`);
    return { seller, ...parsed.session, expiresAt: parsed.expiresAt };
  }

  it('says what to copy for each problem of a paste, in the seller language', async () => {
    const { token, validationKey, supplierId } = await sellerSession();
    const expired = encodeWbToken({ sid: 'x', id: 'old', exp: Math.floor(Date.now() / 1000) - 60, s: 0 });
    const cases: Array<[string, string, 'ru' | 'en', RegExp]> = [
      [`wbx-validation-key=${validationKey}; x-supplier-id=${supplierId}`, PORTAL_SESSION_PROBLEM_CODES.no_token, 'ru', /нет WBTokenV3/],
      [`WBTokenV3=abc.def; x-supplier-id=${supplierId}`, PORTAL_SESSION_PROBLEM_CODES.bad_token, 'en', /cut short or damaged/],
      [`WBTokenV3=${token}; x-supplier-id=${supplierId}`, PORTAL_SESSION_PROBLEM_CODES.no_validation_key, 'en', /wbx-validation-key/],
      [`WBTokenV3=${token}; wbx-validation-key=${validationKey}`, PORTAL_SESSION_PROBLEM_CODES.no_supplier_id, 'ru', /x-supplier-id/],
      [
        `WBTokenV3=${expired}; wbx-validation-key=${validationKey}; x-supplier-id=${supplierId}`,
        PORTAL_SESSION_PROBLEM_CODES.expired,
        'en',
        /already expired/,
      ],
    ];
    for (const [secret, appCode, language, message] of cases) {
      const error = await failure(server.client(newUser(language)).keys.add.mutate({ kind: 'portal_session', name: 'k', secret }));
      expect({ appCode: error.data?.appCode, message: error.message }).toEqual({ appCode, message: expect.stringMatching(message) });
    }
    // Nothing of a refused paste reaches the log.
    expect(server.logs.text).not.toContain(token);
  });

  it('takes a whole "Copy as cURL", keeps only the three cookies, and expires with the token', async () => {
    const { seller, token, validationKey, supplierId, expiresAt } = await sellerSession();
    const curl = [
      `curl 'https://seller-supply.wildberries.ru/ns/sm-supply/supply-manager/api/v1/supply/listSupplies' \\`,
      `  -H 'accept: */*' \\`,
      `  -H 'authorizev3: ${token}' \\`,
      `  -b '_wbauid=123456; WBTokenV3=${token}; wbx-validation-key=${validationKey}; x-supplier-id=${supplierId}; locale=ru' \\`,
      `  --data-raw '{"jsonrpc":"2.0","id":"json-rpc_1","params":{}}'`,
    ].join('\n');
    const user = newUser('ru');
    const added = await server.client(user).keys.add.mutate({ kind: 'portal_session', name: 'Кабинет', secret: curl });
    expect(added).toMatchObject({ kind: 'portal_session', sellerName: 'ООО Кабинет', shareFeed: false, valid: true });
    expect(added.hint).toBe(`WBTokenV3 …${token.slice(-4)}`);
    expect(added.expiresAt).toBe(expiresAt?.toISOString() ?? null);

    const stored = await server.orm.em.fork().findOneOrFail(Credential, added.id);
    expect(stored.sellerSid).toBe(seller.sid);
    // The same session pasted as its Cookie header is the same key.
    const again = await failure(server.client(user).keys.add.mutate({ kind: 'portal_session', name: 'x', secret: seller.portalSession }));
    expect(again.data?.appCode).toBe('KEY_DUPLICATE');
    // The stored session is usable as it is: the preorder picker reads with it.
    expect((await server.client(user).preorders.list.query()).length).toBe(seller.preorders.length);
    expect(server.logs.text).not.toContain(token);
    expect(server.logs.text).not.toContain('_wbauid=123456');
  });

  it('shares with the feed only when asked, for either kind', async () => {
    const { seller } = await sellerSession();
    const user = newUser('en');
    const shared = await server
      .client(user)
      .keys.add.mutate({ kind: 'portal_session', name: 'p', secret: seller.portalSession, shareFeed: true });
    expect(shared.shareFeed).toBe(true);
    const token = await server.client(user).keys.add.mutate({ kind: 'api_token', name: 't', secret: seller.apiToken });
    expect(token.shareFeed).toBe(false);
  });
});
