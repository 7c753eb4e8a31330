// Warehouse names for messages. WB's list may be unreachable; a message then shows the id rather than failing.
import type { WarehouseDirectory } from '../feed/warehouse-directory.ts';

export async function warehouseNames(directory: WarehouseDirectory, ids: readonly number[]): Promise<Map<number, string>> {
  let known: Map<number, { name: string }> | undefined;
  try {
    known = await directory.byId();
  } catch {
    known = undefined;
  }
  return new Map(ids.map((id) => [id, known?.get(id)?.name ?? `#${id}`]));
}

export async function warehouseName(directory: WarehouseDirectory, id: number): Promise<string> {
  return (await warehouseNames(directory, [id])).get(id) ?? `#${id}`;
}
