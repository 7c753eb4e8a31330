// The warehouses a seller pinned to the Radar home, kept on this device. Read defensively: storage is the device's.
import { useSyncExternalStore } from 'react';

const STORAGE_KEY = 'slotpilot.radar-pins';
const LIMIT = 10;
const listeners = new Set<() => void>();
let pins: number[] = read();

function read(): number[] {
  try {
    const value: unknown = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '[]');
    return Array.isArray(value) ? value.filter((v): v is number => Number.isSafeInteger(v) && v > 0).slice(0, LIMIT) : [];
  } catch {
    return [];
  }
}

/** Pins `id` (last among the pinned) or unpins it. */
export function togglePin(id: number): void {
  pins = pins.includes(id) ? pins.filter((p) => p !== id) : [...pins, id].slice(-LIMIT);
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(pins));
  } catch {
    // Not persisted: the pin holds for this session.
  }
  for (const listener of listeners) listener();
}

export function usePins(): number[] {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => pins,
  );
}
