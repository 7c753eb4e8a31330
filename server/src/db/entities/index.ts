import { ArchivedTask } from './archived-task.ts';
import { BookingResult } from './booking-result.ts';
import { Credential } from './credential.ts';
import { LedgerEntry } from './ledger-entry.ts';
import { MonitorInstance } from './monitor-instance.ts';
import { MonitoringTask } from './monitoring-task.ts';
import { OutboxMessage } from './outbox-message.ts';
import { Payment } from './payment.ts';
import { PaymentReceipt } from './payment-receipt.ts';
import { RedistributionOrder } from './redistribution-order.ts';
import { User } from './user.ts';

export {
  ArchivedTask,
  BookingResult,
  Credential,
  LedgerEntry,
  MonitorInstance,
  MonitoringTask,
  OutboxMessage,
  Payment,
  PaymentReceipt,
  RedistributionOrder,
  User,
};

/** Every entity of the model, in one list for the ORM. */
export const entities = [
  User,
  Credential,
  MonitoringTask,
  ArchivedTask,
  MonitorInstance,
  BookingResult,
  RedistributionOrder,
  LedgerEntry,
  Payment,
  PaymentReceipt,
  OutboxMessage,
];
