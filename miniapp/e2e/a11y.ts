// Automated checks of what a seller's thumb and eyes meet: every visible text has WCAG AA contrast against the colour
// actually behind it (translucent layers blended), every tap target is at least 44×44 px, and the Russian UI has no raw
// English or machine words. Run in the page, so they measure what Chromium rendered.
import { expect, type Page } from '@playwright/test';

export interface ContrastProblem {
  text: string;
  ratio: number;
  color: string;
  background: string;
}

/** Texts below 4.5:1 (3:1 for large text: ≥ 24 px, or ≥ 18.66 px bold). Disabled controls are exempt (WCAG 1.4.3). */
export async function contrastProblems(page: Page): Promise<ContrastProblem[]> {
  return page.evaluate(() => {
    const canvas = document.createElement('canvas');
    canvas.width = canvas.height = 1;
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    if (!ctx) throw new Error('no 2d context');
    /** Any CSS colour (color-mix, named, rgb) → [r, g, b, a] as Chromium resolves it. */
    const rgba = (css: string): [number, number, number, number] => {
      ctx.clearRect(0, 0, 1, 1);
      ctx.fillStyle = '#000';
      ctx.fillStyle = css;
      ctx.fillRect(0, 0, 1, 1);
      const [r = 0, g = 0, b = 0, a = 0] = ctx.getImageData(0, 0, 1, 1).data;
      return [r, g, b, a / 255];
    };
    const blend = (top: number[], bottom: number[]) => {
      const a = top[3] ?? 1;
      return [0, 1, 2].map((i) => (top[i] ?? 0) * a + (bottom[i] ?? 0) * (1 - a));
    };
    const lum = (c: number[]) => {
      const [r, g, b] = c.map((v) => {
        const s = v / 255;
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      }) as [number, number, number];
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    /** The opaque colour behind an element: its and its ancestors' backgrounds, blended bottom-up. */
    const backdrop = (el: Element | null): number[] => {
      const layers: number[][] = [];
      for (let node = el; node; node = node.parentElement) {
        const bg = rgba(getComputedStyle(node).backgroundColor);
        if (bg[3] > 0) layers.push(bg);
        if (bg[3] >= 1) break;
      }
      let color = [255, 255, 255];
      for (const layer of layers.reverse()) color = blend(layer, color);
      return color;
    };
    const effectiveOpacity = (el: Element | null) => {
      let o = 1;
      for (let node = el; node; node = node.parentElement) o *= Number(getComputedStyle(node).opacity);
      return o;
    };
    const problems: Array<{ text: string; ratio: number; color: string; background: string }> = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent?.trim() ?? '';
      const el = node.parentElement;
      if (!text || !el) continue;
      const box = el.getBoundingClientRect();
      // Telegram draws its own header, MainButton and popups in its own colours: only the app's page is checked.
      if (
        box.width === 0 ||
        box.height === 0 ||
        el.closest('[aria-hidden="true"], :disabled, [aria-disabled="true"], .skeleton, [data-telegram-chrome]')
      )
        continue;
      const style = getComputedStyle(el);
      if (style.visibility === 'hidden') continue;
      const background = backdrop(el);
      const fg = rgba(style.color);
      const opacity = effectiveOpacity(el);
      const color = blend([fg[0], fg[1], fg[2], fg[3] * opacity], background);
      const [l1, l2] = [lum(color), lum(background)].sort((a, b) => b - a) as [number, number];
      const ratio = (l1 + 0.05) / (l2 + 0.05);
      const size = Number.parseFloat(style.fontSize);
      const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
      if (ratio < (large ? 3 : 4.5))
        problems.push({
          text: text.slice(0, 40),
          ratio: Math.round(ratio * 100) / 100,
          color: `rgb(${color.map(Math.round).join(',')})`,
          background: `rgb(${background.map(Math.round).join(',')})`,
        });
    }
    return problems;
  });
}

export interface TapProblem {
  label: string;
  width: number;
  height: number;
}

/** Buttons, links, and labelled checkboxes/radios (the label is the target) smaller than 44×44 CSS px. */
export async function tapTargetProblems(page: Page, min = 44): Promise<TapProblem[]> {
  return page.evaluate((minimum) => {
    const targets = new Set<Element>();
    for (const el of document.querySelectorAll('button, a[href], [role="button"], input, select, textarea')) {
      const input = el as HTMLInputElement;
      targets.add((input.type === 'checkbox' || input.type === 'radio') && el.closest('label') ? (el.closest('label') as Element) : el);
    }
    const problems: Array<{ label: string; width: number; height: number }> = [];
    for (const el of targets) {
      const box = el.getBoundingClientRect();
      if (box.width === 0 || box.height === 0 || getComputedStyle(el).visibility === 'hidden') continue;
      if (el.closest('[aria-hidden="true"], [data-telegram-chrome]')) continue;
      // Calendar days: a 7-column grid on a 360 px phone; WCAG 2.5.8's spacing rule covers them at ≥ 40 px.
      const floor = el.classList.contains('day') ? 40 : minimum;
      if (box.width < floor - 0.5 || box.height < floor - 0.5)
        problems.push({
          label: (el.getAttribute('aria-label') ?? el.textContent ?? el.tagName).trim().slice(0, 40),
          width: Math.round(box.width),
          height: Math.round(box.height),
        });
    }
    return problems;
  }, min);
}

/** Words of the machine, or English sentences, in a Russian screen. */
export async function rawTextProblems(page: Page): Promise<string[]> {
  // Visible texts, each on its own; masked key hints, code samples and what the seller typed into a box are their data,
  // not our words.
  const text = await page.evaluate(() => {
    const parts: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const el = node.parentElement;
      if (!el || el.closest('.masked, code, script, style, textarea, [data-telegram-chrome]') || el.getClientRects().length === 0) continue;
      parts.push(node.textContent ?? '');
    }
    return parts.join(' ');
  });
  const problems: string[] = [];
  for (const pattern of [/xstate/i, /\(START\)|\bSTART\b/, /\bpolling\b|backing-off|needs-action/, /undefined|null|NaN|\{\w+\}/]) {
    const match = text.match(pattern);
    if (match) problems.push(match[0]);
  }
  // English words of 4+ letters that are not names we show on purpose (WB, SlotPilot, API, cURL, Cookie…).
  const allowed =
    /^(SlotPilot|Wildberries|Telegram|Stars|[Cc]ookie|cURL|Network|Headers|Request|Copy|bash|WBTokenV3|Dev|Night|English|Русский)$/;
  // Host names and header names the instructions quote (seller.wildberries.ru, wbx-validation-key) are identifiers.
  const prose = text.replace(/[\w]+(?:[.-][\w]+)+/g, ' ');
  for (const word of prose.match(/\b[A-Za-z]{4,}\b/g) ?? []) if (!allowed.test(word)) problems.push(word);
  return problems;
}

export async function expectAccessible(page: Page, where: string): Promise<void> {
  expect(await contrastProblems(page), `contrast on ${where}`).toEqual([]);
  expect(await tapTargetProblems(page), `tap targets on ${where}`).toEqual([]);
}
