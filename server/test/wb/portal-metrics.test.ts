// /metrics shows portal calls by call and status, and per seller account over the last minute (with the busiest one).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemorySharedState } from '../../src/platform/kv/memory.ts';
import { createMetrics } from '../../src/platform/metrics.ts';
import { createWbGateway, type WbGateway } from '../../src/wb/wb-gateway.ts';
import { startTestSandbox, type TestSandbox } from '../harness/sandbox.ts';

describe('portal metrics', () => {
  let sandbox: TestSandbox;
  let wb: WbGateway;
  const metrics = createMetrics();

  beforeAll(async () => {
    sandbox = await startTestSandbox();
    wb = createWbGateway(
      { commonApiUrl: sandbox.url, suppliesApiUrl: sandbox.url, portalUrl: sandbox.url, portalAuthUrl: sandbox.url },
      createMemorySharedState(),
      metrics,
    );
  });
  afterAll(async () => {
    await wb.close();
    await sandbox.close();
  });

  it('counts portal calls by call and status, and per seller in the last minute', async () => {
    const busy = await sandbox.createSeller();
    const quiet = await sandbox.createSeller();
    await wb.portal.warehouseFilterItems(busy.portalSession);
    await wb.portal.transferLimits(busy.portalSession);
    await wb.portal.transferLimits(quiet.portalSession);
    const text = await metrics.registry.metrics();
    expect(text).toContain('slotpilot_wb_portal_calls_total{call="authToken",status="200"} 2');
    expect(text).toContain('slotpilot_wb_portal_calls_total{call="transferLimits",status="200"} 2');
    expect(text).toContain(`slotpilot_wb_portal_seller_calls_last_minute{seller="${busy.sid.slice(0, 8)}"} 3`);
    expect(text).toContain(`slotpilot_wb_portal_seller_calls_last_minute{seller="${quiet.sid.slice(0, 8)}"} 2`);
    expect(text).toContain('slotpilot_wb_portal_seller_calls_last_minute_max 3');
    expect(text).not.toContain(busy.sid);
  });
});
