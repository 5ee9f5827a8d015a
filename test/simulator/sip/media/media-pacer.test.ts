import { afterEach, describe, expect, it, vi } from 'vitest';
import { MediaPacer } from '../../../../src/simulator/sip/media/media-pacer.ts';
import { RtpMediaSession } from '../../../../src/simulator/sip/media/rtp-media-session.ts';
import { generateSrtpKey } from '../../../../src/simulator/sip/media/srtp-keys.ts';
import { devicePeer } from './device-peer.ts';
import { sleep, waitFor } from './helpers.ts';

describe('MediaPacer clock', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  /** A pacer on a hand-moved clock; `fire` moves the clock and runs the pending timer. */
  function manualPacer(maxCatchUpFrames = 3) {
    vi.useFakeTimers();
    let now = 1000;
    const pacer = new MediaPacer({ now: () => now, maxCatchUpFrames });
    const fire = (advanceMs: number) => {
      now += advanceMs;
      vi.runOnlyPendingTimers();
    };
    return { pacer, fire };
  }

  it('computes every tick from the start time, so late timers do not drift', () => {
    const { pacer, fire } = manualPacer();
    let frames = 0;
    pacer.add(() => frames++);
    // Every timer fires 7 ms late; after 100 fires the clock is at 2700 ms = 135 frames.
    for (let i = 0; i < 100; i++) fire(27);
    expect(frames).toBe(135);
    expect(pacer.stats.skippedFrames).toBe(0);
  });

  it('catches up at most a few frames after a stall and skips the rest', () => {
    const { pacer, fire } = manualPacer(3);
    const counts = [0, 0];
    pacer.add(() => counts[0]!++);
    pacer.add(() => counts[1]!++);
    fire(20);
    fire(1000); // 50 frames owed
    expect(counts).toEqual([4, 4]);
    expect(pacer.stats.skippedFrames).toBe(47);
    fire(20);
    expect(counts).toEqual([5, 5]);
  });

  it('keeps ticking when a subscriber throws, and holds no timer when idle', () => {
    const { pacer, fire } = manualPacer();
    let good = 0;
    const removeBad = pacer.add(() => {
      throw new Error('broken session');
    });
    const removeGood = pacer.add(() => good++);
    fire(20);
    fire(20);
    expect(good).toBe(2);
    removeBad();
    removeGood();
    expect(pacer.size).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('restarts cleanly when a subscriber replaces the last session during a tick', () => {
    const { pacer, fire } = manualPacer();
    let second = 0;
    const removeFirst = pacer.add(() => {
      removeFirst();
      pacer.add(() => second++);
    });
    fire(20);
    fire(20);
    fire(20);
    expect(second).toBeGreaterThanOrEqual(2);
    expect(vi.getTimerCount()).toBe(1);
  });
});

describe('MediaPacer under load', () => {
  it('gives each of 70 real sessions about 50 frames a second', async () => {
    const pacer = new MediaPacer();
    const ourKey = generateSrtpKey();
    const device = await devicePeer(ourKey);
    const frame = new Uint8Array(160).fill(0xff);
    const sessions = await Promise.all(
      Array.from({ length: 70 }, () =>
        RtpMediaSession.open(
          { codec: { payloadType: 0, name: 'PCMU', clockRate: 8000, channels: 1 }, localKey: ourKey, remoteKey: device.key, nextFrame: () => frame },
          pacer,
        ),
      ),
    );
    try {
      for (const s of sessions) {
        s.start();
        device.sendRaw('hello', s.port);
      }
      await waitFor(() => sessions.every((s) => s.stats.sent > 0), 5000, 'all sessions latched');
      const before = sessions.map((s) => s.stats.sent);
      const t0 = performance.now();
      await sleep(1000);
      const elapsed = performance.now() - t0;
      const counts = sessions.map((s, i) => s.stats.sent - before[i]!);
      // Generous bounds: the machine is shared; this checks pacing, not latency.
      const expected = elapsed / 20;
      for (const n of counts) {
        expect(n).toBeGreaterThan(expected * 0.7);
        expect(n).toBeLessThan(expected * 1.3);
      }
      // One clock: every session gets the same frames, give or take the one in flight at the snapshots.
      expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(2);
    } finally {
      for (const s of sessions) s.close();
      device.close();
    }
    expect(pacer.size).toBe(0);
  });
});
