// Telegram refuses a text over 4096 characters (counted after HTML parsing) and a callback answer over 200. Whatever
// a handler or a notification builds, the edge keeps it within bounds: a long message is split into several (at line
// breaks where possible, every part valid HTML with its open tags closed and reopened), an edit, which can only be
// one message, is cut short with an ellipsis. Installed as an API transformer, so no code path can forget it.
import type { Transformer } from 'grammy';

export const MAX_MESSAGE_CHARS = 4096;
export const MAX_CALLBACK_ANSWER_CHARS = 200;

interface Token {
  /** What goes into the HTML. */
  raw: string;
  /** Characters the user sees (a tag counts 0, an entity 1). */
  visible: number;
  tag?: { name: string; closing: boolean };
}

function tokenize(html: string): Token[] {
  const tokens: Token[] = [];
  const pattern = /<\/?([a-z][a-z0-9-]*)[^>]*>|&(?:#\d{1,7}|#x[0-9a-f]{1,6}|[a-z]+);|[\s\S]/giu;
  for (const match of html.matchAll(pattern)) {
    const raw = match[0];
    if (match[1]) tokens.push({ raw, visible: 0, tag: { name: match[1].toLowerCase(), closing: raw.startsWith('</') } });
    else tokens.push({ raw, visible: raw.length > 1 && raw.startsWith('&') ? 1 : raw.length });
  }
  return tokens;
}

/** The characters Telegram counts for an HTML text. */
export function visibleLength(html: string): number {
  return tokenize(html).reduce((sum, token) => sum + token.visible, 0);
}

/**
 * Split an HTML text into parts of at most `limit` visible characters. A part ends at the last line break that fits
 * (or the last space, or anywhere when a line has neither); tags open at the cut are closed and reopened in the next part.
 */
export function splitHtml(html: string, limit = MAX_MESSAGE_CHARS): string[] {
  if (visibleLength(html) <= limit) return [html];
  const tokens = tokenize(html);
  const parts: string[] = [];
  let open: Token[] = [];
  let i = 0;
  while (i < tokens.length) {
    const reopened = open.map((t) => t.raw).join('');
    let visible = 0;
    let j = i;
    let lastNewline = -1;
    let lastSpace = -1;
    while (j < tokens.length && visible + tokens[j]!.visible <= limit) {
      visible += tokens[j]!.visible;
      if (tokens[j]!.raw === '\n') lastNewline = j;
      else if (tokens[j]!.raw === ' ') lastSpace = j;
      j++;
    }
    // Cut after a line break (or a space) when the rest does not fit, unless that leaves a tiny part.
    let end = Math.max(j, i + 1);
    if (j < tokens.length) {
      const cut = lastNewline > i ? lastNewline : lastSpace > i ? lastSpace : -1;
      if (cut > i && cut - i > limit / 4) end = cut + 1;
    }
    const stack = [...open];
    let body = '';
    for (let k = i; k < end; k++) {
      const token = tokens[k]!;
      body += token.raw;
      if (token.tag && !token.tag.closing) stack.push(token);
      else if (token.tag?.closing) {
        const at = stack.map((t) => t.tag?.name).lastIndexOf(token.tag.name);
        if (at >= 0) stack.splice(at, 1);
      }
    }
    const closing = [...stack]
      .reverse()
      .map((t) => `</${t.tag?.name}>`)
      .join('');
    const part = `${reopened}${body}${closing}`;
    // Telegram refuses an empty message: a part of only tags and whitespace is dropped.
    if (part.replace(/<[^>]*>/g, '').trim().length > 0) parts.push(part);
    open = stack;
    i = end;
  }
  return parts;
}

/** The first `limit` visible characters of an HTML text, tags balanced, with an ellipsis when something was cut. */
export function truncateHtml(html: string, limit = MAX_MESSAGE_CHARS): string {
  if (visibleLength(html) <= limit) return html;
  const [first = ''] = splitHtml(html, limit - 1);
  return first.replace(/((?:<\/[a-z-]+>)*)$/i, '…$1');
}

/** Plain text (a callback answer, a pre-checkout error) cut to `limit` characters. */
export function truncatePlain(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit - 1)}…`;
}

/**
 * The API transformer: sendMessage over the limit goes out as several messages (the keyboard under the last, which is
 * what the call returns); editMessageText is cut short; callback answers are cut to 200 characters.
 */
export function messageLimits(): Transformer {
  return async (prev, method, payload, signal) => {
    if (method === 'answerCallbackQuery' && 'text' in payload && typeof payload.text === 'string')
      return prev(method, { ...payload, text: truncatePlain(payload.text, MAX_CALLBACK_ANSWER_CHARS) }, signal);
    if ((method === 'sendMessage' || method === 'editMessageText') && 'text' in payload && typeof payload.text === 'string') {
      const html = 'parse_mode' in payload && payload.parse_mode === 'HTML';
      const length = html ? visibleLength(payload.text) : payload.text.length;
      if (length <= MAX_MESSAGE_CHARS) return prev(method, payload, signal);
      if (method === 'editMessageText') {
        const text = html ? truncateHtml(payload.text) : truncatePlain(payload.text, MAX_MESSAGE_CHARS);
        return prev(method, { ...payload, text }, signal);
      }
      const parts = html ? splitHtml(payload.text) : plainParts(payload.text);
      const { reply_markup: markup, ...rest } = payload as typeof payload & { reply_markup?: unknown };
      let last: Awaited<ReturnType<typeof prev>> | undefined;
      for (const [index, text] of parts.entries()) {
        const isLast = index === parts.length - 1;
        last = await prev(
          method,
          { ...rest, text, ...(isLast && markup !== undefined ? { reply_markup: markup } : {}) } as typeof payload,
          signal,
        );
        if (!last.ok) return last;
      }
      if (last) return last;
    }
    return prev(method, payload, signal);
  };
}

function plainParts(text: string): string[] {
  const parts: string[] = [];
  for (let i = 0; i < text.length; i += MAX_MESSAGE_CHARS) parts.push(text.slice(i, i + MAX_MESSAGE_CHARS));
  return parts;
}
