// The small goods form of "create a preorder": barcode + quantity rows, checked as the server's `preorders.create` input
// checks them (server api/routers/preorders.ts), so the seller sees which row is wrong before WB is asked. Pure.
import type { MessageKey } from '../i18n/messages.ts';

export interface GoodsRow {
  barcode: string;
  /** As typed: the field is text so a half-typed number is not turned into 0. */
  quantity: string;
}

/** Rows this form offers at most: a preorder made from a phone is a few products; bigger ones belong in the WB portal. */
export const MAX_GOODS_ROWS = 20;
export const MAX_BARCODE_LENGTH = 32;
export const MAX_QUANTITY = 100_000;
const BARCODE = /^[\p{L}\p{N}_-]+$/u;

export const EMPTY_ROW: GoodsRow = { barcode: '', quantity: '1' };

export interface GoodsProblem {
  key: MessageKey;
  vars?: Record<string, string | number>;
}

/** Every problem of the rows, first row first; rows left wholly empty are ignored (not sent). */
export function goodsProblems(rows: readonly GoodsRow[]): GoodsProblem[] {
  const problems: GoodsProblem[] = [];
  const seen = new Set<string>();
  let filled = 0;
  rows.forEach((row, index) => {
    const barcode = row.barcode.trim();
    const quantity = row.quantity.trim();
    if (!barcode && (!quantity || quantity === EMPTY_ROW.quantity)) return;
    filled++;
    const n = index + 1;
    if (!barcode || barcode.length > MAX_BARCODE_LENGTH || !BARCODE.test(barcode)) {
      problems.push({ key: 'preorder.goods.barcode', vars: { row: n, max: MAX_BARCODE_LENGTH } });
    } else if (seen.has(barcode)) {
      problems.push({ key: 'preorder.goods.duplicate', vars: { row: n } });
    }
    seen.add(barcode);
    const count = /^\d{1,6}$/.test(quantity) ? Number(quantity) : Number.NaN;
    if (!(count >= 1 && count <= MAX_QUANTITY)) problems.push({ key: 'preorder.goods.quantity', vars: { row: n, max: MAX_QUANTITY } });
  });
  if (filled === 0) problems.push({ key: 'preorder.goods.empty' });
  return problems;
}

/** The goods to send: the filled rows, trimmed. Call only when `goodsProblems` found none. */
export function toGoods(rows: readonly GoodsRow[]): Array<{ barcode: string; quantity: number }> {
  return rows
    .filter((row) => row.barcode.trim() !== '')
    .map((row) => ({ barcode: row.barcode.trim(), quantity: Number(row.quantity.trim()) }));
}
