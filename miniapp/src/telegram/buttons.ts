// Telegram's MainButton (the screen's primary action) and BackButton, as React hooks over the SDK.
import { backButton, mainButton, settingsButton } from '@telegram-apps/sdk-react';
import { useEffect, useRef } from 'react';

export interface MainButtonSpec {
  text: string;
  onClick: () => void;
  /** Inactive buttons ignore presses (Telegram greys them). Default true. */
  enabled?: boolean;
  /** Shows Telegram's spinner and ignores presses while the action runs. */
  loading?: boolean;
}

/**
 * Which mounted hook owns the MainButton: the last one to show it. A screen (or a sheet over it) that leaves hides the
 * button only while it still owns it, so a leaving screen's cleanup can never hide the button the next screen just set,
 * and a sheet closing hands the button back to the screen under it.
 */
let nextOwner = 1;
const owners: Array<{ id: number; apply: () => void }> = [];

function release(id: number): void {
  const index = owners.findIndex((o) => o.id === id);
  if (index === -1) return;
  const wasOwner = index === owners.length - 1;
  owners.splice(index, 1);
  if (!wasOwner) return;
  const previous = owners.at(-1);
  if (previous) previous.apply();
  else mainButton.setParams.ifAvailable({ isVisible: false, isLoaderVisible: false });
}

/** Shows the MainButton while the calling screen is mounted; pass null to hide it. */
export function useMainButton(spec: MainButtonSpec | null): void {
  const onClick = useRef(spec?.onClick);
  onClick.current = spec?.onClick;
  const id = useRef(0);
  if (id.current === 0) id.current = nextOwner++;

  useEffect(() => {
    if (!mainButton.onClick.isAvailable()) return;
    const mine = id.current;
    const off = mainButton.onClick(() => {
      // Every mounted screen listens; only the owner acts on a press.
      if (owners.at(-1)?.id === mine) onClick.current?.();
    });
    return () => {
      off();
      release(mine);
    };
  }, []);

  const visible = spec !== null;
  const text = spec?.text ?? '';
  const enabled = spec?.enabled ?? true;
  const loading = spec?.loading ?? false;
  useEffect(() => {
    const mine = id.current;
    if (!visible) {
      release(mine);
      return;
    }
    const apply = () => mainButton.setParams.ifAvailable({ text, isVisible: true, isEnabled: enabled, isLoaderVisible: loading });
    const existing = owners.find((o) => o.id === mine);
    if (existing) existing.apply = apply;
    else owners.push({ id: mine, apply });
    if (owners.at(-1)?.id === mine) apply();
  }, [visible, text, enabled, loading]);
}

/** Telegram's SettingsButton (in the ⋯ menu) calls `onOpen` while the app runs. */
export function useSettingsButton(onOpen: () => void): void {
  const handler = useRef(onOpen);
  handler.current = onOpen;
  useEffect(() => {
    if (!settingsButton.onClick.isAvailable()) return;
    return settingsButton.onClick(() => handler.current());
  }, []);
}

/** Shows Telegram's BackButton while `visible`, calling `onBack` when pressed. */
export function useBackButton(visible: boolean, onBack: () => void): void {
  const handler = useRef(onBack);
  handler.current = onBack;
  useEffect(() => {
    if (!backButton.onClick.isAvailable()) return;
    return backButton.onClick(() => handler.current());
  }, []);
  useEffect(() => {
    if (visible) backButton.show.ifAvailable();
    else backButton.hide.ifAvailable();
  }, [visible]);
}
