import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { reserveCredit } from '../../src/accounts/credit-ledger.ts';
import { LedgerEntry } from '../../src/db/entities/ledger-entry.ts';
import { User } from '../../src/db/entities/user.ts';
import { startTestServer, type TestServer } from '../harness/test-server.ts';
import { failure } from '../harness/trpc-failure.ts';

const ann = { id: 7001, firstName: 'Анна', lastName: 'Иванова', username: 'anna_wb', languageCode: 'ru' };

describe('me.get', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ ADMIN_IDS: '7002' });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('creates a new user with two free bookings and says who they are', async () => {
    const me = await server.client(ann).me.get.query();
    expect(me).toEqual({
      id: 7001,
      firstName: 'Анна',
      lastName: 'Иванова',
      username: 'anna_wb',
      language: 'ru',
      chosenLanguage: null,
      isAdmin: false,
      credits: { trial: 2, paid: 0 },
    });
  });

  it('grants the trial once, in the ledger, however often the user comes back', async () => {
    const client = server.client(ann);
    await client.me.get.query();
    await client.me.get.query();
    const em = server.orm.em.fork();
    const grants = await em.find(LedgerEntry, { user: ann.id });
    expect(grants).toHaveLength(1);
    expect(grants[0]).toMatchObject({ reason: 'trial_grant', bucket: 'trial', delta: 2, balanceAfter: 2 });
  });

  it('creates exactly one user when a new user fires many first requests at once', async () => {
    const bob = { id: 7003, firstName: 'Bob', languageCode: 'en' };
    const results = await Promise.all(Array.from({ length: 8 }, () => server.client(bob).me.get.query()));
    expect(results.every((me) => me.id === bob.id)).toBe(true);
    const em = server.orm.em.fork();
    expect(await em.count(User, { id: bob.id })).toBe(1);
    expect(await em.count(LedgerEntry, { user: bob.id })).toBe(1);
  });

  it('keeps the profile in sync with Telegram', async () => {
    await server.client({ ...ann, firstName: 'Аня', languageCode: 'en' }).me.get.query();
    const me = await server.client({ ...ann, firstName: 'Аня', languageCode: 'en' }).me.get.query();
    expect(me).toMatchObject({ firstName: 'Аня', language: 'en', credits: { trial: 2, paid: 0 } });
  });

  it('signs a returning user in without touching the users table, and writes a changed profile at once', async () => {
    const cleo = { id: 7004, firstName: 'Cleo', username: 'cleo', languageCode: 'en' };
    const client = server.client(cleo);
    await client.tasks.list.query();
    const spy = vi.spyOn(server.orm.em.getDriver().getConnection(), 'execute');
    const usersTable = () => spy.mock.calls.map((call) => String(call[0])).filter((sql) => /"users"/.test(sql));
    try {
      await client.tasks.list.query();
      expect(usersTable()).toEqual([]);
      const me = await server.client({ ...cleo, firstName: 'Cleopatra', languageCode: 'ru' }).me.get.query();
      expect(me).toMatchObject({ firstName: 'Cleopatra', language: 'ru' });
      expect(usersTable().length).toBeGreaterThan(0);
    } finally {
      spy.mockRestore();
    }
    const stored = await server.orm.em.fork().findOneOrFail(User, cleo.id);
    expect(stored).toMatchObject({ firstName: 'Cleopatra', languageCode: 'ru', language: 'ru' });
  });

  it('shows credits changed elsewhere at once, however recently the user signed in', async () => {
    const dan = { id: 7005, firstName: 'Dan', languageCode: 'en' };
    const client = server.client(dan);
    expect(await client.me.get.query()).toMatchObject({ credits: { trial: 2, paid: 0 } });
    await server.orm.em.fork().transactional((em) => reserveCredit(em, dan.id, 'test booking'));
    expect(await client.me.get.query()).toMatchObject({ credits: { trial: 1, paid: 0 } });
    await server.orm.em.fork().nativeUpdate(User, { id: dan.id }, { paidCredits: 10 });
    expect(await client.me.get.query()).toMatchObject({ credits: { trial: 1, paid: 10 } });
  });

  it('tells admins they are admins', async () => {
    expect(await server.client({ id: 7002, firstName: 'Op' }).me.get.query()).toMatchObject({ isAdmin: true });
  });

  it('answers 401 with a clear message when init data is missing', async () => {
    const error = await failure(server.client().me.get.query());
    expect(error.data).toMatchObject({ httpStatus: 401, code: 'UNAUTHORIZED', appCode: 'AUTH_MISSING' });
    expect(error.message).toBe('Нет данных входа Telegram. Откройте SlotPilot из Telegram.');
  });

  it('answers 401 for forged init data, in the language the data claims', async () => {
    const forged = server.initData.sign({ id: 7001, firstName: 'Anna', languageCode: 'en' }).replace('7001', '7002');
    const error = await failure(server.client({ authorization: `tma ${forged}` }).me.get.query());
    expect(error.data).toMatchObject({ httpStatus: 401, appCode: 'AUTH_INVALID' });
    expect(error.message).toMatch(/failed the signature check/);
  });

  it('answers 401 for init data signed by another bot', async () => {
    const { InitDataVerifier } = await import('../../src/api/auth/init-data.ts');
    const other = new InitDataVerifier('7999999999:some-other-bot-token-abcdefgh');
    const error = await failure(server.client({ authorization: `tma ${other.sign(ann)}` }).me.get.query());
    expect(error.data).toMatchObject({ httpStatus: 401, appCode: 'AUTH_INVALID' });
  });

  it('answers 401 for expired init data (older than 24 h)', async () => {
    const old = server.initData.sign(ann, new Date(Date.now() - 25 * 3600_000));
    const error = await failure(server.client({ authorization: `tma ${old}` }).me.get.query());
    expect(error.data).toMatchObject({ httpStatus: 401, appCode: 'AUTH_EXPIRED' });
    expect(error.message).toMatch(/устарела/);
  });

  it('never sends a stack trace or echoes the credentials back', async () => {
    const forged = `tma ${server.initData.sign(ann)}x`;
    const response = await fetch(`${server.url}/trpc/me.get`, { headers: { authorization: forged } });
    const body = await response.text();
    expect(response.status).toBe(401);
    expect(body).not.toMatch(/stack|at .*\.ts:\d+/);
    expect(body).not.toContain('hash=');
    expect(server.logs.text).not.toContain('hash=');
  });

  it('tags every response and log line with a request id', async () => {
    const response = await fetch(`${server.url}/trpc/me.get`, { headers: { 'x-request-id': 'req-abc-123' } });
    expect(response.headers.get('x-request-id')).toBe('req-abc-123');
    expect(server.logs.events().some((e) => e.reqId === 'req-abc-123' && e.event === 'http.request')).toBe(true);
  });

  it('puts the signed-in user on the access log line', async () => {
    const dora = { id: 7_401, firstName: 'Dora' };
    await fetch(`${server.url}/trpc/me.get`, {
      headers: { 'x-request-id': 'req-dora-1', authorization: `tma ${server.initData.sign(dora)}` },
    });
    const line = server.logs.events().find((e) => e.reqId === 'req-dora-1' && e.event === 'http.request');
    expect(line).toMatchObject({ userId: 7_401, statusCode: 200 });
  });
});
