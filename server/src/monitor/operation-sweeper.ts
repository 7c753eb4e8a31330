// Now and then, operations no act will come back to (their task finished or is paused) are reconciled with WB, kind by
// kind. Off the heartbeat's chain: a sweep waits on WB and must never delay a lease renewal.
import type { Logger } from 'pino';
import type { TaskKind } from './task-kind.ts';

/** How long a stopping instance waits for a sweep: each operation settles in its own transaction, so half-way is fine. */
const STOP_WAIT_MS = 2_000;

export class OperationSweeper {
  private nextAt = 0;
  private running: Promise<void> | undefined;

  constructor(private readonly options: { kinds: Iterable<TaskKind>; everyMs: number; olderThanMs: number; logger: Logger }) {}

  /** Start a sweep if one is due and none is running (never waits for it). */
  maybeStart(): void {
    if (Date.now() < this.nextAt || this.running) return;
    this.nextAt = Date.now() + this.options.everyMs;
    this.running = this.sweep().finally(() => {
      this.running = undefined;
    });
  }

  /** Let a running sweep finish, for a bounded time. */
  async stop(): Promise<void> {
    if (this.running) await Promise.race([this.running, new Promise((resolve) => setTimeout(resolve, STOP_WAIT_MS).unref())]);
  }

  /** One sweep of pending operations per kind; a failure is logged and the next sweep tries again. */
  private async sweep(): Promise<void> {
    try {
      for (const kind of this.options.kinds) await kind.sweep({ olderThanMs: this.options.olderThanMs });
    } catch (err) {
      this.options.logger.warn({ event: 'host.sweep_failed', err }, 'could not reconcile pending operations');
    }
  }
}
