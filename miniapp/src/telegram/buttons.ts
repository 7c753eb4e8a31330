// Telegram's MainButton (the screen's primary action) and BackButton, as React hooks over the SDK.
import { backButton, mainButton } from '@telegram-apps/sdk-react';
import { useEffect, useRef } from 'react';

export interface MainButtonSpec {
  text: string;
  onClick: () => void;
  /** Inactive buttons ignore presses (Telegram greys them). Default true. */
  enabled?: boolean;
  /** Shows Telegram's spinner and ignores presses while the action runs. */
  loading?: boolean;
}

/** Shows the MainButton while the calling screen is mounted; pass null to hide it. */
export function useMainButton(spec: MainButtonSpec | null): void {
  const onClick = useRef(spec?.onClick);
  onClick.current = spec?.onClick;

  useEffect(() => {
    if (!mainButton.onClick.isAvailable()) return;
    const off = mainButton.onClick(() => onClick.current?.());
    return () => {
      off();
      mainButton.setParams.ifAvailable({ isVisible: false, isLoaderVisible: false });
    };
  }, []);

  const visible = spec !== null;
  const text = spec?.text ?? '';
  const enabled = spec?.enabled ?? true;
  const loading = spec?.loading ?? false;
  useEffect(() => {
    mainButton.setParams.ifAvailable(
      visible ? { text, isVisible: true, isEnabled: enabled, isLoaderVisible: loading } : { isVisible: false, isLoaderVisible: false },
    );
  }, [visible, text, enabled, loading]);
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
