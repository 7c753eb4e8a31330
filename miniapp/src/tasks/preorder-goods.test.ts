import { describe, expect, it } from 'vitest';
import { EMPTY_ROW, goodsProblems, MAX_QUANTITY, toGoods } from './preorder-goods.ts';

describe('the goods of a new preorder', () => {
  it('accepts barcodes as WB prints them and sends the filled rows trimmed', () => {
    const rows = [{ barcode: ' 2041234567890 ', quantity: '12' }, { barcode: 'ABC-12_x', quantity: '1' }, EMPTY_ROW];
    expect(goodsProblems(rows)).toEqual([]);
    expect(toGoods(rows)).toEqual([
      { barcode: '2041234567890', quantity: 12 },
      { barcode: 'ABC-12_x', quantity: 1 },
    ]);
  });

  it('names the row of each problem', () => {
    expect(
      goodsProblems([
        { barcode: '2041 234', quantity: '1' },
        { barcode: '111', quantity: '0' },
        { barcode: '111', quantity: String(MAX_QUANTITY + 1) },
        { barcode: '', quantity: '5' },
        { barcode: 'x'.repeat(33), quantity: '2.5' },
      ]),
    ).toEqual([
      { key: 'preorder.goods.barcode', vars: { row: 1, max: 32 } },
      { key: 'preorder.goods.quantity', vars: { row: 2, max: MAX_QUANTITY } },
      { key: 'preorder.goods.duplicate', vars: { row: 3 } },
      { key: 'preorder.goods.quantity', vars: { row: 3, max: MAX_QUANTITY } },
      { key: 'preorder.goods.barcode', vars: { row: 4, max: 32 } },
      { key: 'preorder.goods.barcode', vars: { row: 5, max: 32 } },
      { key: 'preorder.goods.quantity', vars: { row: 5, max: MAX_QUANTITY } },
    ]);
  });

  it('asks for at least one product', () => {
    expect(goodsProblems([EMPTY_ROW])).toEqual([{ key: 'preorder.goods.empty' }]);
    expect(goodsProblems([])).toEqual([{ key: 'preorder.goods.empty' }]);
  });
});
