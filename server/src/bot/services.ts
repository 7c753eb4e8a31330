// The services the bot's handlers use: the same ones the API uses. Handlers never touch the database themselves.
import type { Logger } from 'pino';
import type { BillingService } from '../accounts/billing-service.ts';
import type { CredentialService } from '../accounts/credential-service.ts';
import type { UserService } from '../accounts/user-service.ts';
import type { WarehouseDirectory } from '../feed/warehouse-directory.ts';
import type { InsightsService } from '../insights/insights-service.ts';
import type { TaskService } from '../monitor/task-service.ts';
import type { MiniAppLinks } from './mini-app-links.ts';
import type { PaymentReceipts } from './payment-receipts.ts';
import type { TaskInspection } from './task-inspection.ts';

export interface BotServices {
  users: UserService;
  tasks: TaskService;
  warehouses: WarehouseDirectory;
  billing: BillingService;
  inspection: TaskInspection;
  adminIds: ReadonlySet<number>;
  links: MiniAppLinks;
  logger: Logger;
  /** Slot history figures: /new's one line about the chosen warehouse and box type (absent: no line). */
  insights?: Pick<InsightsService, 'warehouse'>;
  /**
   * The box types a warehouse has in WB's latest picture of it (the slot feed), or undefined when there is none yet:
   * /new then offers only those.
   */
  boxTypesOf?: (warehouseId: number, userId: number) => Promise<number[] | undefined>;
  /**
   * Whether a cell is bookable in this instance's latest picture (undefined: no picture). A slot alert whose cell closed
   * before it could be delivered says so instead of "book now".
   */
  cellOpen?: (cell: { warehouseId: number; date: string; boxTypeId: number | undefined }, userId: number) => boolean | undefined;
}

/**
 * What the handlers get: the services above plus the user's WB keys (/keys lists and deletes them) and the store of
 * raw payment updates (written before anything credits them).
 */
export type BotHandlerServices = BotServices & { credentials: Pick<CredentialService, 'list' | 'remove'>; receipts: PaymentReceipts };
