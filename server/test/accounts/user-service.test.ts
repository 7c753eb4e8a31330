// Sign-in on the API's hot path: a user seen a moment ago with the same profile costs no query; anything else takes
// the full upsert at once.
import type { MikroORM } from '@mikro-orm/postgresql';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { UserService } from '../../src/accounts/user-service.ts';
import { LedgerEntry } from '../../src/db/entities/ledger-entry.ts';
import { User } from '../../src/db/entities/user.ts';
import { openDatabase } from '../../src/platform/db/orm.ts';
import { createTestDatabase } from '../harness/database.ts';

describe('UserService.signIn', () => {
  let orm: MikroORM;
  let nextId = 8_100_000;
  const newcomer = () => ({ id: ++nextId, firstName: 'Вера', lastName: 'Петрова', username: 'vera_p', languageCode: 'ru' });

  beforeAll(async () => {
    orm = await openDatabase(await createTestDatabase(), pino({ level: 'silent' }));
  });
  afterAll(async () => {
    await orm?.close();
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  /** Every statement the service sends to Postgres while `run` runs. */
  async function statements(run: () => Promise<unknown>): Promise<string[]> {
    const spy = vi.spyOn(orm.em.getDriver().getConnection(), 'execute');
    try {
      await run();
      return spy.mock.calls.map((call) => String(call[0]));
    } finally {
      spy.mockRestore();
    }
  }

  const row = (id: number) => orm.em.fork().findOneOrFail(User, id);

  it('creates the user with the trial grant on first sight and says who they are', async () => {
    const vera = newcomer();
    expect(await new UserService(orm).signIn(vera)).toEqual({
      id: vera.id,
      firstName: 'Вера',
      lastName: 'Петрова',
      username: 'vera_p',
      language: 'ru',
    });
    expect(await row(vera.id)).toMatchObject({ firstName: 'Вера', trialCredits: 2, paidCredits: 0, active: true });
    expect(await orm.em.fork().count(LedgerEntry, { user: vera.id, reason: 'trial_grant' })).toBe(1);
  });

  it('does not touch the database when the same profile signs in again within the minute', async () => {
    const users = new UserService(orm);
    const vera = newcomer();
    await users.signIn(vera);
    const seenAt = (await row(vera.id)).lastSeenAt;
    expect(await statements(() => users.signIn({ ...vera }))).toEqual([]);
    expect((await row(vera.id)).lastSeenAt).toEqual(seenAt);
  });

  it('writes a changed name or language at once', async () => {
    const users = new UserService(orm);
    const vera = newcomer();
    await users.signIn(vera);
    expect(await users.signIn({ ...vera, firstName: 'Вероника' })).toMatchObject({ firstName: 'Вероника', language: 'ru' });
    expect(await row(vera.id)).toMatchObject({ firstName: 'Вероника', language: 'ru' });
    expect(await users.signIn({ ...vera, firstName: 'Вероника', languageCode: 'en' })).toMatchObject({ language: 'en' });
    expect(await row(vera.id)).toMatchObject({ firstName: 'Вероника', languageCode: 'en', language: 'en' });
    // And back to a profile seen before: still a change against what is stored.
    await users.signIn(vera);
    expect(await row(vera.id)).toMatchObject({ firstName: 'Вера', languageCode: 'ru', language: 'ru' });
  });

  it('refreshes lastSeenAt (and reactivates) once the minute is over', async () => {
    const users = new UserService(orm);
    const vera = newcomer();
    await users.signIn(vera);
    await orm.em.fork().nativeUpdate(User, { id: vera.id }, { active: false });
    const before = (await row(vera.id)).lastSeenAt;
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 61_000 });
    expect(await statements(() => users.signIn(vera))).not.toEqual([]);
    const after = await row(vera.id);
    expect(after.lastSeenAt.getTime()).toBeGreaterThan(before.getTime());
    expect(after.active).toBe(true);
  });

  it('counts a bot update (the full upsert) as seen', async () => {
    const users = new UserService(orm);
    const vera = newcomer();
    await users.upsertFromTelegram(vera);
    expect(await statements(() => users.signIn(vera))).toEqual([]);
  });

  it('reads credits as stored now', async () => {
    const users = new UserService(orm);
    const vera = newcomer();
    await users.signIn(vera);
    expect(await users.credits(vera.id)).toEqual({ trial: 2, paid: 0 });
    await orm.em.fork().nativeUpdate(User, { id: vera.id }, { trialCredits: 1, paidCredits: 5 });
    expect(await users.credits(vera.id)).toEqual({ trial: 1, paid: 5 });
  });
});
