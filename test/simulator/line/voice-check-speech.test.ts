/**
 * The voice check listens to the caller (LineCall.hearCaller, fed by the SIP leg's uplink RTP): speech after the
 * beep and inside the window passes it; speech over the prompt, comfort noise and silence do not.
 */
import { describe, expect, it } from 'vitest';
import { loadFixtures } from '../../../src/simulator/line/audio/fixture-library.ts';
import { decodeMuLaw } from '../../../src/simulator/line/index.ts';
import type { LineCall } from '../../../src/simulator/line/index.ts';
import type { ManualClock } from '../../../src/simulator/sim-clock.ts';
import { PPS, entry, findKey, setup } from './helpers.ts';

const MIN = 60_000;
const speech = decodeMuLaw(loadFixtures().get('agent-kim-greeting').audio);

function toVoiceCheck(): { clock: ManualClock; call: LineCall; listensFromAt: number; windowMs: number } {
  const { clock, model } = setup('voice-check');
  const call = model.dial(findKey(model, (p) => p.outcome === 'agent'), PPS);
  call.on((e) => e.type === 'answered' && call.sendDtmf('12'));
  call.start();
  for (let i = 0; i < 3 * MIN && call.phase !== 'voice-check'; i += 20) clock.advance(20);
  const detail = entry(call, 'voice-check')?.detail as { listensFromAt: number; responseWindowMs: number };
  return { clock, call, listensFromAt: detail.listensFromAt, windowMs: detail.responseWindowMs };
}

/** `pcm` in 20 ms frames, the clock moving with them. */
function say(call: LineCall, clock: ManualClock, pcm: Int16Array): void {
  for (let at = 0; at + 160 <= pcm.length && call.phase === 'voice-check'; at += 160) {
    call.hearCaller(pcm.subarray(at, at + 160));
    clock.advance(20);
  }
}

describe('the voice check hears the caller', () => {
  it('passes on speech after the beep, recording that the caller spoke', () => {
    const { clock, call, listensFromAt } = toVoiceCheck();
    clock.advance(listensFromAt - clock.now());
    say(call, clock, speech.subarray(0, 8000));
    const answered = entry(call, 'voice-check-answered');
    expect(answered?.by).toBe('caller');
    expect(answered?.detail).toMatchObject({ via: 'speech' });
    clock.advance(10_000);
    expect(call.phase).toBe('hold');
  });

  it('does not count speech over the prompt, before the beep', () => {
    const { clock, call, listensFromAt } = toVoiceCheck();
    const beforeBeep = Math.floor((listensFromAt - clock.now()) / 20) * 160;
    say(call, clock, speech.subarray(0, Math.min(beforeBeep, speech.length)));
    expect(entry(call, 'voice-check-answered')).toBeUndefined();
    expect(call.phase).toBe('voice-check');
  });

  it('fails on silence and low noise: "we could not verify", then the IRS hangs up', () => {
    const { clock, call, listensFromAt, windowMs } = toVoiceCheck();
    clock.advance(listensFromAt - clock.now());
    const noise = Int16Array.from({ length: 8000 * 4 }, (_, i) => Math.round(120 * Math.sin(i * 1.3) + 80 * Math.sin(i * 0.21)));
    say(call, clock, noise);
    clock.advance(listensFromAt + windowMs - clock.now() + 1);
    expect(entry(call, 'voice-check-answered')).toBeUndefined();
    expect(entry(call, 'voice-check-failed')?.detail).toMatchObject({ voicedMs: 0 });
    clock.advance(MIN);
    expect(call.phase).toBe('ended');
    expect(entry(call, 'hangup')?.detail).toMatchObject({ reason: 'voice-check-failed' });
  });

  it('still takes the control API answer (standing in for the operator in demos and tests)', () => {
    const { call } = toVoiceCheck();
    call.answerVoiceCheck();
    expect(entry(call, 'voice-check-answered')?.detail).toMatchObject({ via: 'control-api' });
  });
});
