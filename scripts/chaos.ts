/**
 * chaos — hunts under injected failures, checked against the simulator's truth. See docs/resilience.md#chaos.
 *
 *   npm run chaos                              # 8 hunts × 6 lines, 3 instances, every fault (a few minutes)
 *   npm run chaos -- --short                   # 3 hunts × 4 lines, 2 instances (what CI runs, ~1 min)
 *   npm run chaos -- --jobs 5 --lines 4 --instances 2 --seed 7 --duration 240
 *   npm run chaos -- --report docs/chaos-report.md   # also write the report there
 *   npm run chaos -- --short --faults none     # the same hunts without faults (a baseline)
 *   npm run chaos -- --faults kill,webhooks    # only these: kill, redis-restart, sigstop, webhooks, api-bursts, clock-skew
 *
 * --duration is the longest wait for the hunts (seconds). Exits 1 on any invariant violation.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ALL_FAULTS, FULL_RUN, SHORT_RUN, formatReport, runChaos } from '../test/chaos/chaos-run.ts';
import type { FaultKind } from '../test/chaos/chaos-run.ts';

const { values } = parseArgs({
  options: {
    short: { type: 'boolean', default: false },
    jobs: { type: 'string' },
    lines: { type: 'string' },
    instances: { type: 'string' },
    seed: { type: 'string' },
    duration: { type: 'string' },
    report: { type: 'string' },
    faults: { type: 'string' },
  },
});

function positive(name: string, value: string | undefined, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) {
    console.error(`--${name} must be a whole number from 1 to ${max}, got "${value}"`);
    process.exit(2);
  }
  return n;
}

const base = values.short ? SHORT_RUN : FULL_RUN;
const faults = values.faults === undefined ? base.faults : values.faults === 'none' ? [] : values.faults.split(',');
const unknown = faults.filter((f) => !ALL_FAULTS.includes(f as FaultKind));
if (unknown.length > 0) {
  console.error(`unknown fault(s) ${unknown.join(', ')}; --faults takes "none" or a comma list of ${ALL_FAULTS.join(', ')}`);
  process.exit(2);
}
const options = {
  ...base,
  faults: faults as FaultKind[],
  jobs: positive('jobs', values.jobs, base.jobs, 50),
  lines: positive('lines', values.lines, base.lines, 20),
  instances: positive('instances', values.instances, base.instances, 5),
  seed: positive('seed', values.seed, Math.floor(Math.random() * 1_000_000) + 1, 2 ** 31),
  timeoutMs: positive('duration', values.duration, base.timeoutMs / 1000, 3_600) * 1000,
  progress: (line: string) => console.log(line),
};

const report = await runChaos(options);
const text = formatReport(report);
console.log(`\n${text}`);
if (values.report) {
  writeFileSync(values.report, `# Chaos report\n\nWritten by \`npm run chaos -- --report ${values.report}\` (scripts/chaos.ts); what it injects and checks: [resilience.md](resilience.md#chaos).\n\n${text}\n`);
  console.log(`\nreport written to ${values.report}`);
}
process.exit(report.violations.length === 0 ? 0 : 1);
