// Queries several screens share, with one key each so a live update or a mutation refreshes every screen at once.
import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { useT } from '../i18n/i18n.tsx';
import { useApi } from './api-context.tsx';

export const queryKeys = {
  me: ['me'] as const,
  tasks: ['tasks'] as const,
  task: (id: string) => ['task', id] as const,
  timeline: (id: string) => ['task-timeline', id] as const,
  warehouses: ['warehouses'] as const,
  calendar: (warehouseIds: number[], boxTypeId: number) => ['calendar', warehouseIds, boxTypeId] as const,
  keys: ['keys'] as const,
  preorders: ['preorders'] as const,
  history: ['history'] as const,
  limits: (nmIds: number[]) => ['redistribution-limits', nmIds] as const,
  packs: ['billing-packs'] as const,
  actors: (includeDone: boolean) => ['inspector-actors', includeDone] as const,
  actor: (id: string) => ['inspector-actor', id] as const,
  insights: (warehouseId: number, boxTypeId: number, days: 7 | 30) => ['insights', warehouseId, boxTypeId, days] as const,
};

export function useMe() {
  const api = useApi();
  return useQuery({ queryKey: queryKeys.me, queryFn: () => api.me.get.query() });
}

export function useWarehouses() {
  const api = useApi();
  // WB's warehouse list changes a few times a year.
  return useQuery({ queryKey: queryKeys.warehouses, queryFn: () => api.warehouses.list.query(), staleTime: 30 * 60_000 });
}

/** `name(id)`: the warehouse's name, or "Warehouse 507" until the list arrives. */
export function useWarehouseName(): (id: number) => string {
  const warehouses = useWarehouses();
  const t = useT();
  const byId = useMemo(() => new Map((warehouses.data?.warehouses ?? []).map((w) => [w.id, w.name])), [warehouses.data]);
  return (id: number) => byId.get(id) ?? t('task.warehouse', { id });
}
