// The control API of a running WB sandbox, by URL (in-process or standalone): what tests use to steer WB.
import type { SandboxSeller, SandboxStats } from './sandbox.ts';

export function sandboxControl(url: string) {
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!response.ok) throw new Error(`sandbox ${method} ${path} → ${response.status}: ${await response.text()}`);
    return response.status === 204 ? undefined : response.json();
  };
  return {
    createSeller: (options: Record<string, unknown> = {}) => call('POST', '/__sandbox/sellers', options) as Promise<SandboxSeller>,
    setCell: (cell: { warehouseId: number; date: string; boxTypeId: number; coefficient: number; allowUnload: boolean }) =>
      call('POST', '/__sandbox/coefficients', cell),
    setQuota: (quota: { officeID: number; srcQuota?: number; dstQuota?: number }) => call('POST', '/__sandbox/quotas', quota),
    fault: (fault: Record<string, unknown>) => call('POST', '/__sandbox/faults', fault),
    clearFaults: () => call('DELETE', '/__sandbox/faults'),
    scenario: (settings: Record<string, unknown>) => call('POST', '/__sandbox/scenario', settings),
    stats: () => call('GET', '/__sandbox/stats') as Promise<SandboxStats>,
    official: (enabled: boolean) => call('POST', '/__sandbox/official', { enabled }),
  };
}
