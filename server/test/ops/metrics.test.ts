// /metrics shows what a maintainer needs: process health, HTTP, WB calls, the feed, actors, leases, the outbox.
import { addDays, moscowToday } from '@slotpilot/shared';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestServer, type TestServer } from '../harness/test-server.ts';

const METRICS_TOKEN = 'ops-scraper-token-0123456789';

describe('/metrics', () => {
  let server: TestServer;
  beforeAll(async () => {
    // WB's official method back on, so its calls show in the WB metrics next to the portal's.
    server = await startTestServer({ METRICS_TOKEN, WB_SANDBOX_OFFICIAL: '1' });
  });
  afterAll(async () => {
    await server?.close();
  });

  const scrape = async () => {
    const response = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(response.headers.get('content-type')).toMatch(/text\/plain/);
    return response.text();
  };

  it('exposes process, HTTP, WB, feed, actor, lease and outbox metrics', async () => {
    const user = { id: 5_100, firstName: 'Ops' };
    await server.client(user).me.get.query();
    await server.client(user).tasks.create.mutate({
      kind: 'supply',
      mode: 'notify',
      warehouseIds: [507],
      boxTypeId: 5,
      dateFrom: moscowToday(),
      dateTo: addDays(moscowToday(), 7),
      maxCoefficient: 0,
    });
    await vi.waitFor(
      async () => expect(await scrape()).toMatch(/slotpilot_wb_call_duration_seconds_count\{endpoint="coefficients",status="200"\} [1-9]/),
      {
        timeout: 15_000,
        interval: 250,
      },
    );
    const text = await scrape();
    for (const pattern of [
      /nodejs_eventloop_lag_p99_seconds \d/,
      /process_resident_memory_bytes \d/,
      /slotpilot_http_request_duration_seconds_count\{method="GET",route="trpc:me.get",status="200"\} 1/,
      /slotpilot_feed_age_seconds\{warehouse="507"\} \d/,
      /slotpilot_feed_source_state\{state="ok"\} 1/,
      /slotpilot_feed_cache_lookups\{level="l1",result="(hit|miss)"\} \d/,
      /slotpilot_actors\{state="polling"\} 1/,
      /slotpilot_actor_transitions_total\{from="idle",to="polling"\} 1/,
      /slotpilot_leases_owned\{instance="[^"]+"\} 1/,
      /slotpilot_outbox_backlog \d/,
      /slotpilot_limiter_wait_seconds_count\{endpoint="coefficients"\} \d/,
    ]) {
      expect(text).toMatch(pattern);
    }
  });
});
