/// <reference lib="dom" />
/**
 * Debian's chromium under puppeteer-core for the dashboard tests: launching it, collecting
 * what went wrong on a page, and a few waits on what the page shows (never on real time).
 */
import puppeteer, { type Browser, type Page } from 'puppeteer-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function launchBrowser(): Promise<Browser> {
  return puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    // Root in a container has no user namespace for chromium's sandbox; the page is our own.
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu', '--font-render-hinting=none'],
  });
}

export interface PageProblems {
  /** Console errors, uncaught exceptions, failed requests and HTTP errors, one line each. */
  all(): string[];
}

export function watchPage(page: Page): PageProblems {
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warn') problems.push(`console.${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${(e as Error).message ?? e}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText ?? ''}`));
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  return { all: () => [...problems] };
}

export async function text(page: Page, selector: string): Promise<string> {
  return page.$eval(selector, (e) => (e.textContent ?? '').trim());
}

/** Run `action` (if any), then wait until the page has finished one more successful refresh. */
export async function waitForRefresh(page: Page, action?: () => Promise<unknown>): Promise<void> {
  const before = Number(await page.$eval('#status', (s) => s.getAttribute('data-refreshes')));
  await action?.();
  await page.waitForFunction((n) => Number(document.getElementById('status')?.getAttribute('data-refreshes')) > n, {}, before);
}

export interface Focused {
  id: string;
  /** The computed outline, e.g. `solid 3px`. */
  outline: string;
}

/** Press Tab `count` times from the top of the page; what had focus after each press. */
export async function tabOrder(page: Page, count: number): Promise<Focused[]> {
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  const out: Focused[] = [];
  for (let i = 0; i < count; i++) {
    await page.keyboard.press('Tab');
    out.push(
      await page.evaluate(() => {
        const el = document.activeElement as HTMLElement;
        const cs = getComputedStyle(el);
        const fleet = el.getAttribute('data-fleet');
        const id = el.classList.contains('skip') ? 'skip' : fleet ? `fleet:${fleet}` : el.id || el.tagName.toLowerCase();
        return { id, outline: `${cs.outlineStyle} ${cs.outlineWidth}` };
      }),
    );
  }
  return out;
}

/**
 * The WCAG contrast ratio of every visible text element under `root` against the background it
 * sits on (the nearest ancestor with an opaque background), lowest first.
 */
export async function textContrasts(page: Page, root = 'body'): Promise<Array<{ ratio: number; text: string; fg: string; bg: string }>> {
  return page.$eval(root, (top) => {
    const rgb = (c: string) => (c.match(/[\d.]+/g) ?? []).map(Number);
    const lum = ([r, g, b]: number[]) => {
      const f = (v: number) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
      return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    const background = (el: Element | null): string => {
      for (let e = el; e; e = e.parentElement) {
        const bg = getComputedStyle(e).backgroundColor;
        const parts = rgb(bg);
        if (parts.length >= 3 && (parts.length === 3 || parts[3] > 0.5)) return bg;
      }
      return getComputedStyle(document.documentElement).backgroundColor || 'rgb(255, 255, 255)';
    };
    const results: Array<{ ratio: number; text: string; fg: string; bg: string }> = [];
    const walker = document.createTreeWalker(top, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      const t = (n.textContent ?? '').trim();
      if (!el || !t || !(el as HTMLElement).offsetParent || el.closest('[hidden], .skip')) continue;
      const fg = getComputedStyle(el).color;
      const bg = background(el);
      const [a, b] = [lum(rgb(fg)), lum(rgb(bg))].sort((x, y) => y - x);
      results.push({ ratio: Math.round(((a + 0.05) / (b + 0.05)) * 100) / 100, text: t.slice(0, 40), fg, bg });
    }
    return results.sort((x, y) => x.ratio - y.ratio);
  });
}
