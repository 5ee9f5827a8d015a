import { describe, expect, it } from 'vitest';
import { LoopLibrary, createLineDetector, type LineDetector } from '../../../src/detection/index.ts';
import { decodeMuLaw } from '../../../src/media/mu-law.ts';
import { agentVoiceOf, varyVoice } from '../../../src/simulator/line/audio/agent-voice.ts';
import { loadFixtures } from '../../../src/simulator/line/audio/fixture-library.ts';

const greeting = loadFixtures().get('agent-kim-greeting').audio;
const rms = (pcm: Int16Array) => Math.sqrt(pcm.reduce((s, v) => s + v * v, 0) / pcm.length);

describe('agent voice variation', () => {
  it('is the same for the same seed and call, different for another call', () => {
    const a = varyVoice(greeting, agentVoiceOf({ seed: 42, callKey: 'call-1' }));
    expect(varyVoice(greeting, agentVoiceOf({ seed: 42, callKey: 'call-1' }))).toEqual(a);
    expect(varyVoice(greeting, agentVoiceOf({ seed: 42, callKey: 'call-2' }))).not.toEqual(a);
    expect(varyVoice(greeting, agentVoiceOf({ seed: 43, callKey: 'call-1' }))).not.toEqual(a);
  });

  it('keeps the recording a voice: within 3-12 % of its speed, similar length and level', () => {
    for (let i = 0; i < 20; i++) {
      const voice = agentVoiceOf({ seed: 7, callKey: `call-${i}` });
      expect(Math.abs(voice.rate - 1)).toBeGreaterThanOrEqual(0.03);
      expect(Math.abs(voice.rate - 1)).toBeLessThanOrEqual(0.12);
      const varied = decodeMuLaw(varyVoice(greeting, voice));
      expect(varied.length / greeting.length).toBeGreaterThan(0.8);
      expect(varied.length / greeting.length).toBeLessThan(1.6);
      const ratio = rms(varied) / rms(decodeMuLaw(greeting));
      expect(ratio).toBeGreaterThan(0.5);
      expect(ratio).toBeLessThan(1.5);
    }
  });
});

describe('agent voice variation, as the detector hears it', () => {
  /** Share of `heard`'s frames that a line takes for loop audio after another line learned `learned` as hold audio. */
  function loopShare(learned: Int16Array, heard: Int16Array): number {
    const library = new LoopLibrary();
    // A line that learns everything it hears (speech weight 0: it never suspects).
    const learner = createLineDetector({ loopLibrary: library, config: { weights: { speech: 0 } } });
    const quiet = new Int16Array(8000 * 3);
    [learned, quiet].reduce((t, pcm) => feed(learner, pcm, t), 0);
    const listener = createLineDetector({ loopLibrary: library }) as unknown as LineDetector & { loop: { loopAudio: boolean } };
    let loop = 0;
    let frames = 0;
    feed(listener, heard, 0, () => {
      frames++;
      if (listener.loop.loopAudio) loop++;
    });
    return loop / frames;
  }

  it('two calls with the same recorded agent do not carry the same audio', () => {
    const kim = decodeMuLaw(greeting);
    // The same recording on two lines is loop audio (this is what the variation is for) ...
    expect(loopShare(kim, kim)).toBeGreaterThan(0.8);
    // ... two calls' variations of it are not.
    for (let i = 0; i < 6; i++) {
      const a = decodeMuLaw(varyVoice(greeting, agentVoiceOf({ seed: 1, callKey: `a${i}` })));
      const b = decodeMuLaw(varyVoice(greeting, agentVoiceOf({ seed: 1, callKey: `b${i}` })));
      expect(loopShare(a, b), `pair ${i}`).toBeLessThan(0.1);
    }
  });
});

function feed(detector: LineDetector, pcm: Int16Array, t0: number, each?: () => void): number {
  let t = t0;
  for (let i = 0; i + 160 <= pcm.length; i += 160, t += 20) {
    detector.pushFrame(pcm.subarray(i, i + 160), t);
    each?.();
  }
  return t;
}
