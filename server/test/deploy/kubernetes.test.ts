// The Kubernetes manifest can't be applied here (no cluster), but what a rollout relies on can be read from it: probes
// on the routes the server answers, a termination grace longer than the server's own 10 s graceful stop, one pod away
// at a time, the image's own command (its V8 flags), and metrics kept off the public Service.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';

const file = fileURLToPath(new URL('../../deploy/kubernetes/slotpilot.yaml', import.meta.url));
type Doc = { kind: string; metadata: { name: string }; spec?: Record<string, unknown>; data?: Record<string, string> };
const docs = parseAllDocuments(readFileSync(file, 'utf8')).map((d) => d.toJS() as Doc);
const byKind = (kind: string) => docs.filter((d) => d.kind === kind);

describe('server/deploy/kubernetes/slotpilot.yaml', () => {
  it('parses into a Secret, ConfigMap, migration Job, Deployment, PodDisruptionBudget and two Services', () => {
    expect(docs.map((d) => d.kind).sort()).toEqual([
      'ConfigMap',
      'Deployment',
      'Job',
      'PodDisruptionBudget',
      'Secret',
      'Service',
      'Service',
    ]);
  });

  it('probes /healthz and /readyz, gives SIGTERM more than the 10 s the server needs, and rolls one pod at a time', () => {
    const deployment = byKind('Deployment')[0]!;
    const pod = (deployment.spec as { template: { spec: Record<string, unknown> } }).template.spec as {
      terminationGracePeriodSeconds: number;
      containers: Array<{ command?: unknown; livenessProbe: { httpGet: { path: string } }; readinessProbe: { httpGet: { path: string } } }>;
    };
    const [server] = pod.containers;
    expect(server?.livenessProbe.httpGet.path).toBe('/healthz');
    expect(server?.readinessProbe.httpGet.path).toBe('/readyz');
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(10);
    // The image's CMD carries the heap budget and V8 flags (test/deploy/compose.test.ts): no command override here.
    expect(server?.command).toBeUndefined();
    expect((deployment.spec as { strategy: { rollingUpdate: { maxUnavailable: number } } }).strategy.rollingUpdate.maxUnavailable).toBe(1);
    expect((byKind('PodDisruptionBudget')[0]!.spec as { maxUnavailable: number }).maxUnavailable).toBe(1);
  });

  it('keeps /metrics on its own port and Service, and runs in production with a webhook bot', () => {
    const config = byKind('ConfigMap')[0]!.data!;
    expect(config).toMatchObject({ NODE_ENV: 'production', METRICS_PORT: '9464', BOT_MODE: 'webhook' });
    const publicPorts = (byKind('Service').find((s) => s.metadata.name === 'slotpilot')!.spec as { ports: Array<{ targetPort: string }> })
      .ports;
    expect(publicPorts.map((p) => p.targetPort)).toEqual(['http']);
  });
});
