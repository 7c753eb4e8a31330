// Waiting for a task to reach a state (and outcome) through the API, as its owner sees it: what engine tests assert on.

import { expect, vi } from 'vitest';
import type { TelegramIdentity } from '../../src/accounts/telegram-identity.ts';
import type { TestServer } from './test-server.ts';

export function taskWaiter(server: () => TestServer, { timeout, interval = 100 }: { timeout: number; interval?: number }) {
  return (user: TelegramIdentity, id: string, state: string, outcome?: string) =>
    vi.waitFor(
      async () => {
        const task = await server().client(user).tasks.get.query({ id });
        expect({ state: task.state, outcome: task.outcome ?? undefined }).toEqual({ state, outcome });
        return task;
      },
      { timeout, interval },
    );
}
