// What every bot handler sees: grammY's context plus the user (upserted from the update), their language and texts,
// and the session (where the /new draft lives).
import type { Language } from '@slotpilot/shared';
import type { Context, SessionFlavor } from 'grammy';
import type { User } from '../db/entities/user.ts';
import type { Texts } from './texts/index.ts';

/** The /new draft: one step at a time, edited in place in one message. */
export interface NewTaskDraft {
  step: 'warehouse' | 'box' | 'coefficient' | 'dates';
  /** The message whose keyboard drives the draft; buttons of any other message are stale. */
  messageId: number;
  warehousePage: number;
  /** The first warehouse (drafts from before multi-warehouse tasks have only these two). */
  warehouseId?: number;
  warehouseName?: string;
  /** Every warehouse of the task, in the order picked. */
  warehouseIds?: number[];
  warehouseNames?: string[];
  /** The warehouse step was reopened from the box step to add one more. */
  adding?: boolean;
  /** The box types this warehouse accepts, as far as the feed knows (all three when it does not). */
  boxTypeIds?: number[];
  boxTypeId?: 2 | 5 | 6;
  maxCoefficient?: number;
  view?: { year: number; month: number };
  /**
   * What the slot history says about the first warehouse and the box type, in the user's language, worked out once when
   * the box type is chosen: the line for each offered maximum (COEFFICIENTS order) and the threshold suggestion, or,
   * below the minimum observation, only how much there is.
   */
  insight?: { lines: string[]; suggestion: string | null; insufficient?: string };
  start?: string;
  end?: string;
}

export interface BotSession {
  newTask?: NewTaskDraft;
}

export interface BotContextFlavor {
  /** Set by the first middleware for every update that has a sender. */
  user: User;
  language: Language;
  t: Texts;
  isAdmin: boolean;
}

export type BotContext = Context & SessionFlavor<BotSession> & BotContextFlavor;
