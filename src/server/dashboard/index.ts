/**
 * The read-only dashboard: one HTML page, a stylesheet and a small framework-free script,
 * shipped as strings so `tsc` is the only build step. The page reads /api/v1 and polls it.
 */
import { DASHBOARD_CSS } from './style';
import { DASHBOARD_SCRIPT } from './script';
import { dashboardHtml } from './page';

export interface DashboardPageOptions {
  /** How often the page polls /api/v1, in ms (the page's `?poll=SECONDS` overrides it). */
  pollMs?: number;
  /** Shown in the header: `daemon` or `state directory /var/lib/drover`. */
  source?: string;
}

export const DEFAULT_POLL_MS = 5_000;

export interface Asset {
  body: string;
  contentType: string;
  headers: Record<string, string>;
}

/** No inline script or style, no third party: everything comes from this origin. */
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
const COMMON = { 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer' };

export const DASHBOARD_PATHS = { page: '/', style: '/dashboard/app.css', script: '/dashboard/app.js', icon: '/dashboard/icon.svg' } as const;

/** Two overlapping squares, blue and green: the swap. */
const ICON = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect x="1" y="3" width="9" height="9" rx="2" fill="#2563eb"/><rect x="6" y="5" width="9" height="9" rx="2" fill="#16a34a" fill-opacity="0.85"/></svg>\n';

/** The page or one of its files for `path`, or undefined. */
export function dashboardAsset(path: string, opts: DashboardPageOptions = {}): Asset | undefined {
  if (path === DASHBOARD_PATHS.page || path === '/index.html') {
    const body = dashboardHtml({ pollMs: opts.pollMs ?? DEFAULT_POLL_MS, source: opts.source ?? 'daemon', style: DASHBOARD_PATHS.style, script: DASHBOARD_PATHS.script, icon: DASHBOARD_PATHS.icon });
    return { body, contentType: 'text/html; charset=utf-8', headers: { ...COMMON, 'content-security-policy': CSP } };
  }
  if (path === DASHBOARD_PATHS.style) return { body: DASHBOARD_CSS, contentType: 'text/css; charset=utf-8', headers: COMMON };
  if (path === DASHBOARD_PATHS.icon || path === '/favicon.ico') return { body: ICON, contentType: 'image/svg+xml', headers: COMMON };
  if (path === DASHBOARD_PATHS.script) return { body: DASHBOARD_SCRIPT, contentType: 'text/javascript; charset=utf-8', headers: COMMON };
  return undefined;
}
