/**
 * The alert rules and the Grafana dashboard only name metrics the app exports (a renamed metric would silently
 * leave an alert that never fires), and every alert links to its entry in docs/incidents.md.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { registry } from '../../src/observability/metrics.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const read = (file: string): string => readFileSync(`${root}${file}`, 'utf8');

/** Every exported series name, histograms with their _bucket/_sum/_count. */
async function exportedNames(): Promise<Set<string>> {
  const names = new Set<string>();
  for (const metric of await registry.getMetricsAsJSON()) {
    names.add(metric.name);
    if (String(metric.type) === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(`${metric.name}${suffix}`);
  }
  return names;
}

const referenced = (expr: string): string[] => [...expr.matchAll(/\bhold_hunter_\w+/g)].map((m) => m[0]);

describe('monitoring configuration', () => {
  it('alert rules name only exported metrics and link to their incident entry', async () => {
    const names = await exportedNames();
    const rules = (parseYaml(read('deploy/prometheus/alerts.yml')) as { groups: { rules: { alert: string; expr: string; annotations: { runbook: string } }[] }[] }).groups.flatMap((g) => g.rules);
    expect(rules.map((r) => r.alert)).toEqual(expect.arrayContaining(['NoWebhooksWhileHunting', 'WebhookSubscriptionBlacklisted', 'TransferFailures', 'RingCentralRateLimitStorm', 'RedisDown']));
    const incidents = read('docs/incidents.md').toLowerCase();
    for (const rule of rules) {
      expect(referenced(rule.expr).length, rule.alert).toBeGreaterThan(0);
      for (const name of referenced(rule.expr)) expect(names, `${rule.alert}: ${name}`).toContain(name);
      expect(rule.annotations.runbook).toBe(`docs/incidents.md#${rule.alert.toLowerCase()}`);
      expect(incidents).toContain(`## ${rule.alert.toLowerCase()}`);
    }
  });

  it('the Grafana dashboard queries only exported metrics', async () => {
    const names = await exportedNames();
    const dashboard = JSON.parse(read('deploy/grafana/hold-hunter-dashboard.json')) as { panels: { title: string; targets: { expr: string }[] }[] };
    expect(dashboard.panels.length).toBeGreaterThan(10);
    for (const panel of dashboard.panels) {
      for (const target of panel.targets) {
        expect(referenced(target.expr).length, panel.title).toBeGreaterThan(0);
        for (const name of referenced(target.expr)) expect(names, `${panel.title}: ${name}`).toContain(name);
      }
    }
  });
});
