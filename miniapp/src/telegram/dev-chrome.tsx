// Stand-ins for what Telegram draws around a Mini App (header with BackButton, MainButton, the Stars invoice sheet), shown
// only outside Telegram. They render the state the app set through the SDK and answer with Telegram's events.
import { useEffect, useSyncExternalStore } from 'react';
import { useT } from '../i18n/i18n.tsx';
import { devChrome } from './dev-chrome-store.ts';

function useDevChrome() {
  return useSyncExternalStore(devChrome.subscribe, devChrome.get);
}

export function DevHeader() {
  const t = useT();
  const { backButton, settingsButton } = useDevChrome();
  return (
    <div className="dev-header" data-telegram-chrome="">
      {backButton && (
        <button type="button" className="dev-back" data-testid="tg-back-button" onClick={devChrome.pressBackButton}>
          ‹ {t('nav.back')}
        </button>
      )}
      <span className="dev-title">SlotPilot</span>
      {settingsButton && (
        <button
          type="button"
          className="dev-settings"
          data-testid="tg-settings-button"
          aria-label={t('settings.title')}
          onClick={devChrome.pressSettingsButton}
        >
          ⋯
        </button>
      )}
    </div>
  );
}

/** Telegram's native popup (showConfirm): the message and its buttons, answering with `popup_closed`. */
export function DevPopup() {
  const { popup } = useDevChrome();
  if (popup === null) return null;
  return (
    <div className="dev-sheet-backdrop dev-popup-backdrop" data-telegram-chrome="">
      <div className="dev-popup" role="alertdialog" aria-label={popup.title || popup.message} data-testid="tg-popup">
        {popup.title && <strong>{popup.title}</strong>}
        <p>{popup.message}</p>
        <div className="dev-popup-buttons">
          {popup.buttons.map((b) => (
            <button
              key={b.id || b.text}
              type="button"
              className={b.type === 'destructive' ? 'dev-popup-button danger' : 'dev-popup-button'}
              data-testid={`tg-popup-${b.id}`}
              onClick={() => devChrome.closePopup(b.id)}
            >
              {b.text}
            </button>
          ))}
        </div>
      </div>
    </div>
  );
}

export function DevMainButton() {
  const { mainButton } = useDevChrome();
  // Telegram's MainButton sits below the web view; the stand-in overlays the page, so the page makes room for it.
  useEffect(() => {
    document.documentElement.classList.toggle('has-dev-main-button', mainButton.visible);
  }, [mainButton.visible]);
  if (!mainButton.visible) return null;
  return (
    <div className="dev-bottom-bar" data-telegram-chrome="">
      <button
        type="button"
        className="dev-main-button"
        data-testid="tg-main-button"
        aria-disabled={!mainButton.active || mainButton.progress}
        aria-busy={mainButton.progress}
        style={{ background: mainButton.color, color: mainButton.textColor, opacity: mainButton.active ? 1 : 0.5 }}
        onClick={devChrome.pressMainButton}
      >
        {mainButton.progress ? <span className="spinner" /> : mainButton.text}
      </button>
    </div>
  );
}

export function DevInvoice() {
  const t = useT();
  const { invoice } = useDevChrome();
  if (invoice === null) return null;
  return (
    <div className="dev-sheet-backdrop" data-telegram-chrome="">
      <div className="dev-sheet" role="dialog" data-testid="tg-invoice" data-slug={invoice}>
        <p className="hint">{t('dev.invoice')}</p>
        <p>
          <code>{invoice}</code>
        </p>
        <div className="row">
          <button type="button" className="button" onClick={() => devChrome.closeInvoice('paid')}>
            {t('dev.pay')}
          </button>
          <button type="button" className="small-button" onClick={() => devChrome.closeInvoice('cancelled')}>
            {t('app.cancel')}
          </button>
        </div>
      </div>
    </div>
  );
}
