/**
 * The simulator's webhook POST judges the receiver, not the simulator's own event loop: in a load run the
 * simulator's loop is busy with every line's audio, and a reply that arrived during a stall must not count as
 * a timeout (a blacklisted subscription would leave every hunt deaf for nothing).
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postWebhook, receiverDeadline } from '../../../src/simulator/subscriptions/webhook-http.ts';

/** Blocks this thread's event loop, as a burst of media work does in the simulator. */
function stall(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // busy
  }
}

// The receiver runs in a process of its own, so the stall here does not hold it up.
const RECEIVER = `
const http = require('node:http');
const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    if (req.url === '/hang') return;
    res.writeHead(200, { 'Content-Length': '0' });
    res.end();
  });
});
server.listen(0, '127.0.0.1', () => process.stdout.write(String(server.address().port) + '\\n'));
`;

let receiver: ChildProcess;
let base: string;
beforeAll(async () => {
  receiver = spawn(process.execPath, ['-e', RECEIVER], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [chunk] = (await once(receiver.stdout!, 'data')) as [Buffer];
  base = `http://127.0.0.1:${chunk.toString().trim()}`;
});
afterAll(() => {
  receiver.kill();
});

const post = (path: string, timeoutMs: number) =>
  postWebhook(`${base}${path}`, { headers: { 'Content-Type': 'application/json' }, body: '{}', timeoutMs, maxResponseBytes: 1024 });

describe('postWebhook deadline', () => {
  it('a reply that arrived while the simulator was stalled past the deadline is delivered, not timed out', async () => {
    const { written, result } = post('/', 200);
    await written;
    stall(600);
    expect(await result).toMatchObject({ kind: 'response', status: 200 });
  });

  it('a receiver that never answers still times out', async () => {
    const started = performance.now();
    const { written, result } = post('/hang', 200);
    await written;
    stall(300);
    expect(await result).toMatchObject({ kind: 'error', error: 'read-timeout', message: 'Read timed out' });
    // The stall's 100 ms past the deadline were given back to the receiver.
    expect(performance.now() - started).toBeGreaterThanOrEqual(390);
  });
});

describe('receiverDeadline', () => {
  const expiry = (timeoutMs: number) => new Promise<number>((resolve) => receiverDeadline(timeoutMs, () => resolve(performance.now())));

  it('expires after the timeout on a free event loop, and not when cancelled', async () => {
    const started = performance.now();
    let cancelledFired = false;
    receiverDeadline(100, () => (cancelledFired = true)).cancel();
    const expiredAt = await expiry(100);
    expect(expiredAt - started).toBeGreaterThanOrEqual(99);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(cancelledFired).toBe(false);
  });

  it('gives back what a stall took past the deadline, at most the timeout again', async () => {
    const started = performance.now();
    const expired = expiry(100);
    stall(1_000);
    // Fired 900 ms late: 100 ms given back (not 900), then the verdict.
    const expiredAt = await expired;
    expect(expiredAt - started).toBeGreaterThanOrEqual(1_099);
    expect(expiredAt - started).toBeLessThan(1_800);
  });
});
