// PAUSE / RESUME / CANCEL reach the task wherever it runs: applied here when this instance runs it (or can claim it
// because nobody holds it), else sent over the bus to the owner, which applies it, waits for its write and answers.
import type { SharedState, Unsubscribe } from '../platform/kv/types.ts';
import { CHANNEL_TASK_ACK, CHANNEL_TASK_COMMAND, type TaskCommand } from './task-bus.ts';

/** How long the owner has to apply a command sent over the bus and answer. */
const REMOTE_ANSWER_MS = 5_000;

export interface CommandRouterOptions {
  shared: SharedState;
  runs(taskId: string): boolean;
  /** Take the task here if no live instance holds it; true when it runs here now. */
  claim(taskId: string): Promise<boolean>;
  /** Apply to the task this instance runs and wait (bounded) for its write. */
  apply(taskId: string, command: TaskCommand): Promise<void>;
}

export class CommandRouter {
  private readonly waitingAcks = new Map<string, (ok: boolean) => void>();

  constructor(private readonly options: CommandRouterOptions) {}

  async subscribe(): Promise<Unsubscribe[]> {
    const { bus } = this.options.shared;
    return [
      await bus.subscribe(
        CHANNEL_TASK_COMMAND,
        (m) => void this.onRemoteCommand(m as { taskId: string; command: TaskCommand; requestId: string }),
      ),
      await bus.subscribe(CHANNEL_TASK_ACK, (m) => {
        const { requestId, ok } = m as { requestId: string; ok: boolean };
        this.waitingAcks.get(requestId)?.(ok);
      }),
    ];
  }

  /** Apply a command wherever the task runs. Resolves when the owner has applied and persisted it. */
  async command(taskId: string, command: TaskCommand): Promise<'applied' | 'not-running' | 'no-answer'> {
    if (this.options.runs(taskId) || (await this.options.claim(taskId))) {
      await this.options.apply(taskId, command);
      return 'applied';
    }
    const requestId = crypto.randomUUID();
    const answered = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), REMOTE_ANSWER_MS);
      this.waitingAcks.set(requestId, (ok) => {
        clearTimeout(timer);
        resolve(ok);
      });
    });
    await this.options.shared.bus.publish(CHANNEL_TASK_COMMAND, { taskId, command, requestId });
    const ok = await answered.finally(() => this.waitingAcks.delete(requestId));
    return ok ? 'applied' : 'no-answer';
  }

  private async onRemoteCommand({ taskId, command, requestId }: { taskId: string; command: TaskCommand; requestId: string }) {
    if (!this.options.runs(taskId)) return;
    await this.options.apply(taskId, command);
    await this.options.shared.bus.publish(CHANNEL_TASK_ACK, { requestId, ok: true });
  }
}
