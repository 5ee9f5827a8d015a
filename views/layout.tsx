/**
 * The page shell every dashboard view shares: vendored htmx (no CDN), one stylesheet, skip link for keyboards.
 * For a signed-in user it carries the session's CSRF token (meta tag, and `hx-headers` on <body> so every htmx
 * request sends it), the nav entries their role may use, and who is signed in with a log-out button.
 */
import type { Child } from 'hono/jsx';
import { currentViewer } from '../src/web/auth/auth-context.ts';
import { roleAllows } from '../src/web/auth/roles.ts';
import type { Role } from '../src/web/auth/roles.ts';
import { LOGO_PATH, branding } from '../src/web/branding.ts';

export type NavSection = 'home' | 'new' | 'jobs' | 'analytics' | 'extensions' | 'queues' | 'destinations' | 'settings' | 'users' | 'audit' | 'account';

const NAV: { id: NavSection; href: string; label: string; role?: Role }[] = [
  { id: 'home', href: '/', label: 'Home' },
  { id: 'new', href: '/hunts/new', label: 'Start a hunt', role: 'operator' },
  { id: 'jobs', href: '/jobs', label: 'Jobs' },
  { id: 'analytics', href: '/analytics', label: 'Analytics' },
  { id: 'extensions', href: '/extensions', label: 'Extensions' },
  { id: 'queues', href: '/queues', label: 'Queues' },
  { id: 'destinations', href: '/destinations', label: 'Destinations' },
  { id: 'settings', href: '/settings/detection', label: 'Settings' },
  { id: 'users', href: '/users', label: 'Users', role: 'admin' },
  { id: 'audit', href: '/audit', label: 'Audit log', role: 'admin' },
];

export function Layout(props: { title: string; section?: NavSection; children: Child }) {
  const viewer = currentViewer();
  const firm = branding();
  const nav = viewer ? NAV.filter((item) => !item.role || roleAllows(viewer.role, item.role)) : [];
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${props.title} · ${firm.firmName ? `${firm.firmName} · ` : ''}IRS Hold Hunter`}</title>
        {/* htmx would otherwise inject an inline <style> (blocked by the strict CSP a later issue adds). */}
        <meta name="htmx-config" content='{"includeIndicatorStyles":false}' />
        {viewer?.csrfToken ? <meta name="csrf-token" content={viewer.csrfToken} /> : null}
        <link rel="stylesheet" href="/static/app.css" />
        <script src="/static/htmx.min.js" defer></script>
        <script src="/static/htmx-ext-sse.js" defer></script>
        <script src="/static/dashboard.js" defer></script>
        <script src="/static/talk.js" defer></script>
      </head>
      {/* data-role: app.css hides controls the role may not use (the server refuses them regardless). */}
      <body hx-headers={viewer?.csrfToken ? JSON.stringify({ 'X-CSRF-Token': viewer.csrfToken }) : undefined} data-role={viewer?.role}>
        <a class="skip" href="#main">Skip to content</a>
        <header class="top">
          {firm.logo ? <img class="firm-logo" src={LOGO_PATH} alt="" height="28" /> : null}
          <strong>{firm.firmName ? `${firm.firmName} · IRS Hold Hunter` : 'IRS Hold Hunter'}</strong>
          {nav.length > 0 ? (
            <nav aria-label="Main">
              <ul>
                {nav.map((item) => (
                  <li>
                    <a href={item.href} aria-current={props.section === item.id ? 'page' : undefined}>
                      {item.label}
                    </a>
                  </li>
                ))}
              </ul>
            </nav>
          ) : null}
          {viewer ? (
            <div class="who">
              <a href="/account" aria-current={props.section === 'account' ? 'page' : undefined}>
                {viewer.username} ({viewer.role})
              </a>
              {/* An input, not a button: pages' own forms stay the first `button[type=submit]` on the page. */}
              <form method="post" action="/logout" class="inline">
                <input type="submit" class="link" value="Log out" />
              </form>
            </div>
          ) : null}
        </header>
        <main id="main">{props.children}</main>
      </body>
    </html>
  );
}
