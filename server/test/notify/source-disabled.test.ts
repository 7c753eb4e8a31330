// No slot source at all is one incident: WB disables its official coefficients method while the portal report cannot
// stand in (here it fails too). Every user with a running supply task hears about it once, however long it lasts and
// however often the watcher looks.
import { addDays, moscowToday } from '@slotpilot/shared';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { OutboxMessage } from '../../src/db/entities/outbox-message.ts';
import { startBotServer } from '../bot/bot-harness.ts';
import { FakeBotApi } from '../bot/fake-bot-api.ts';
import { sandboxControl } from '../harness/sandbox-control.ts';
import type { TestServer } from '../harness/test-server.ts';

describe('source disabled', () => {
  let fake: FakeBotApi;
  let server: TestServer;

  beforeAll(async () => {
    fake = await FakeBotApi.start();
    server = await startBotServer(fake, { WB_SANDBOX_OFFICIAL: '1' }, { pollIntervalMs: 200 });
  });
  afterAll(async () => {
    await server?.close();
    await fake?.close();
  });

  it('tells each user with a running task once per incident', async () => {
    const watching = [
      { id: 7_700_001, firstName: 'Watcher', languageCode: 'en' },
      { id: 7_700_002, firstName: 'Наблюдатель', languageCode: 'ru' },
    ];
    const idle = { id: 7_700_003, firstName: 'Idle', languageCode: 'en' };
    const task = (warehouseId: number) => ({
      kind: 'supply' as const,
      mode: 'notify' as const,
      warehouseIds: [warehouseId],
      boxTypeId: 2 as const,
      dateFrom: addDays(moscowToday(), 1),
      dateTo: addDays(moscowToday(), 8),
      maxCoefficient: 0,
    });
    // The portal report has been failing from the start (nothing to fall back on).
    const wb = sandboxControl(server.sandboxUrl);
    await wb.fault({ endpoint: 'coefficientsReport', kind: '5xx', durationMs: 120_000 });
    for (const [i, user] of watching.entries()) {
      await server.client(user).tasks.create.mutate(task(i === 0 ? 900109 : 900111));
      await server.client(user).tasks.create.mutate(task(900112));
    }
    await server.client(idle).me.get.query();

    await wb.fault({ endpoint: 'coefficients', kind: 'disabled', durationMs: 120_000 });
    await vi.waitFor(async () => expect((await server.feed.sourceStatus()).state).toBe('disabled'), { timeout: 25_000, interval: 100 });

    const incidents = server.telegram!.incidents;
    for (let i = 0; i < 3; i++) await incidents.check();
    const en = await fake.waitFor('sendMessage', (p) => p.chat_id === watching[0]!.id && /temporarily disabled/.test(p.text));
    expect(en.payload.text).toContain('I will not message you again about this outage.');
    await fake.waitFor('sendMessage', (p) => p.chat_id === watching[1]!.id && /временно перестал отдавать коэффициенты/.test(p.text));

    for (let i = 0; i < 3; i++) await incidents.check();
    const rows = await server.orm.em.fork().find(OutboxMessage, { kind: 'source_disabled' });
    expect(rows.map((r) => r.user.id).sort()).toEqual(watching.map((u) => u.id).sort());
    expect(new Set(rows.map((r) => (r.payload as { incidentId: number }).incidentId)).size).toBe(1);
    await vi.waitFor(async () => {
      const sent = await server.orm.em.fork().count(OutboxMessage, { kind: 'source_disabled', sentAt: { $ne: null } });
      expect(sent).toBe(2);
    });
    for (const user of [...watching, idle]) {
      expect(fake.callsOf('sendMessage', (p) => p.chat_id === user.id && /⛔️/.test(p.text))).toHaveLength(user === idle ? 0 : 1);
    }
  });
});
