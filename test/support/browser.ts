/**
 * Debian's Chromium driven by playwright-core (no browser download: the system binary). Headless, no sandbox
 * (containers have no user namespaces), no GPU, no background traffic, so a test runs offline and quietly.
 */
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

const ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
  '--no-first-run', '--disable-extensions',
];

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
}

export interface BrowserSession {
  readonly browser: Browser;
  readonly context: BrowserContext;
  readonly page: Page;
  /**
   * Console errors and uncaught page exceptions, in order. A CSP violation (inline script or style, a
   * foreign URL) is reported by Chromium as a console error, so it lands here too.
   */
  readonly errors: string[];
}

/** A browser with one page; everything is closed when the test ends, whatever its outcome. */
export async function openPage(t: { after(fn: () => Promise<void>): void }): Promise<BrowserSession> {
  const browser = await launchBrowser();
  t.after(() => browser.close());
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => { errors.push(`page: ${error.message}`); });
  return { browser, context, page, errors };
}

/** The page's DOM as far as the tests read it (the type-check has no DOM library). */
interface PageDocument {
  querySelectorAll(selector: string): ArrayLike<{ readonly naturalWidth?: number }>;
}

/**
 * Natural widths of the images a selector matches, read in the page. A function, not a string: the page's CSP
 * forbids eval, and Playwright evaluates a string predicate with it.
 */
export function imageWidths(page: Page, selector: string): Promise<number[]> {
  return page.evaluate((s) => {
    const doc = (globalThis as unknown as { document: PageDocument }).document;
    return Array.from(doc.querySelectorAll(s), (img) => img.naturalWidth ?? 0);
  }, selector);
}
