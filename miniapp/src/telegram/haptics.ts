// Haptic feedback, where Telegram offers it; silently nothing elsewhere.
import { hapticFeedback } from '@telegram-apps/sdk-react';

export const haptic = {
  /** The selection changed (a day, a warehouse, a tab). */
  selection: () => void hapticFeedback.selectionChanged.ifAvailable(),
  success: () => void hapticFeedback.notificationOccurred.ifAvailable('success'),
  warning: () => void hapticFeedback.notificationOccurred.ifAvailable('warning'),
  error: () => void hapticFeedback.notificationOccurred.ifAvailable('error'),
  /** A press with weight (long-press to skip a day). */
  impact: () => void hapticFeedback.impactOccurred.ifAvailable('medium'),
};
