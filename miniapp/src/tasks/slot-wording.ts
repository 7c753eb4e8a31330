// Slot words shared by cards, the task, the sheet and the calendar: x0 is "free", not a number a seller has to decode.
import { useCallback } from 'react';
import { useT } from '../i18n/i18n.tsx';
import type { MessageKey } from '../i18n/messages.ts';

type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

export function coefficientText(coefficient: number, t: Translate): string {
  return coefficient <= 0 ? t('slot.free') : t('slot.coefficient', { coefficient });
}

export function useCoefficientText(): (coefficient: number) => string {
  const t = useT();
  return useCallback((coefficient: number) => coefficientText(coefficient, t), [t]);
}
