/** The page shell every dashboard view shares: vendored htmx (no CDN), one stylesheet, skip link for keyboards. */
import type { Child } from 'hono/jsx';

export type NavSection = 'home' | 'new' | 'jobs' | 'extensions' | 'queues' | 'destinations' | 'settings';

const NAV: { id: NavSection; href: string; label: string }[] = [
  { id: 'home', href: '/', label: 'Home' },
  { id: 'new', href: '/hunts/new', label: 'Start a hunt' },
  { id: 'jobs', href: '/jobs', label: 'Jobs' },
  { id: 'extensions', href: '/extensions', label: 'Extensions' },
  { id: 'queues', href: '/queues', label: 'Queues' },
  { id: 'destinations', href: '/destinations', label: 'Destinations' },
  { id: 'settings', href: '/settings/detection', label: 'Settings' },
];

export function Layout(props: { title: string; section?: NavSection; children: Child }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${props.title} · IRS Hold Hunter`}</title>
        {/* htmx would otherwise inject an inline <style> (blocked by the strict CSP a later issue adds). */}
        <meta name="htmx-config" content='{"includeIndicatorStyles":false}' />
        <link rel="stylesheet" href="/static/app.css" />
        <script src="/static/htmx.min.js" defer></script>
        <script src="/static/htmx-ext-sse.js" defer></script>
        <script src="/static/dashboard.js" defer></script>
      </head>
      <body>
        <a class="skip" href="#main">Skip to content</a>
        <header class="top">
          <strong>IRS Hold Hunter</strong>
          <nav aria-label="Main">
            <ul>
              {NAV.map((item) => (
                <li>
                  <a href={item.href} aria-current={props.section === item.id ? 'page' : undefined}>
                    {item.label}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
        </header>
        <main id="main">{props.children}</main>
      </body>
    </html>
  );
}
