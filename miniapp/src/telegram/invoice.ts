// Paying with Telegram Stars: the invoice link from the API, opened by Telegram's own payment sheet.
import { invoice } from '@telegram-apps/sdk-react';

export type InvoiceOutcome = 'paid' | 'cancelled' | 'failed' | 'pending' | 'unavailable';

export async function openStarsInvoice(link: string): Promise<InvoiceOutcome> {
  if (!invoice.open.isAvailable()) return 'unavailable';
  try {
    const status = await invoice.open(link, 'url');
    return status === 'paid' || status === 'cancelled' || status === 'failed' || status === 'pending' ? status : 'failed';
  } catch {
    // A link Telegram cannot open here (e.g. not a t.me invoice link) or an invoice already open.
    return 'unavailable';
  }
}
