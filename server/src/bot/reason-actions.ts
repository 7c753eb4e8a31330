// What a seller can do about each machine reason a task ends with (monitor/supply-act.ts, monitor/redistribution.ts,
// monitor/machine.ts): the buttons under the alert. The words are in texts/ru.ts and en.ts (`reasons`).

/** `link`: the event's own action URL (WB's choose-date page, the redistribution page); `portal`: the WB seller portal;
 * `keys`: the Mini App's Keys screen; `task`: the task in the Mini App; `new`: a new task (/new). */
export type ReasonAction = 'link' | 'portal' | 'keys' | 'task';

export const WB_PORTAL_URL = 'https://seller.wildberries.ru/';

const ACTIONS: Record<string, ReasonAction[]> = {
  captcha_required: ['link', 'task'],
  transfer_captcha_required: ['link', 'task'],
  portal_login_required: ['keys', 'portal'],
  no_portal_session: ['keys', 'link'],
  portal_session_rejected: ['keys', 'link'],
  transfer_unsure: ['portal', 'task'],
  preorder_already_planned: ['portal', 'task'],
  portal_refused: ['portal', 'task'],
  no_preorder: ['task'],
  credential_revoked: ['keys', 'task'],
  expired: ['task'],
};

/** The buttons for a reason; an unknown reason gets the task (where its details are) and the portal. */
export function reasonActions(reason: string): ReasonAction[] {
  return ACTIONS[reason] ?? ['task', 'portal'];
}
