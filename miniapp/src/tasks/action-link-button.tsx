// A task that needs the seller (WB asked for a captcha): the one-tap way to the preorder's date page (or, for a transfer,
// the portal's redistribution page), opened by Telegram so the Mini App stays where it was.
import { useT } from '../i18n/i18n.tsx';
import { isOpenableLink, openExternalLink } from '../telegram/links.ts';

export function ActionLinkButton({ url, kind }: { url: string; kind: 'supply' | 'redistribution' }) {
  const t = useT();
  if (!isOpenableLink(url)) return null;
  return (
    <button type="button" className="button action-button" onClick={() => openExternalLink(url)} data-testid="action-link" data-url={url}>
      {t(kind === 'supply' ? 'task.action.open' : 'task.action.open.transfer')}
    </button>
  );
}
