import { describe, expect, it } from 'vitest';
import { createLineDetector, createShadowDetector, KnownPromptLibrary, LoopLibrary, resolveDetectionConfig } from '../../src/detection/index.ts';
import { FrameAnalyzer } from '../../src/detection/frame-analyzer.ts';
import { WindowFeatures } from '../../src/detection/window-features.ts';
import { SpeechMusicStrategy } from '../../src/detection/strategies/speech-music.ts';
import { decodeMuLaw } from '../../src/media/mu-law.ts';
import { ringbackTone } from '../../src/simulator/line/audio/tones.ts';
import { concat, fixtures, music, pcmOf, silence, stream } from './support.ts';

function sine(freq: number, seconds: number, amplitude = 8000): Int16Array {
  return Int16Array.from({ length: seconds * 8000 }, (_, i) => Math.round(amplitude * Math.sin((2 * Math.PI * freq * i) / 8000)));
}

function analyse(pcm: Int16Array): { frame: FrameAnalyzer; window: WindowFeatures; speech: SpeechMusicStrategy; speechShare: number } {
  const frame = new FrameAnalyzer(150);
  const window = new WindowFeatures(150);
  const speech = new SpeechMusicStrategy(150);
  let speechy = 0;
  let counted = 0;
  for (let i = 0; i + 160 <= pcm.length; i += 160) {
    frame.push(pcm.subarray(i, i + 160));
    window.push(frame);
    speech.update(frame, window);
    if (window.count === 50 && window.silenceRatio < 0.8) {
      counted++;
      if (speech.sound === 'speech') speechy++;
    }
  }
  return { frame, window, speech, speechShare: counted ? speechy / counted : 0 };
}

/** A hold loop of ~52 s: synthesized music and two recorded announcements. */
const loop = concat(music().subarray(0, 20 * 8000), silence(0.5), pcmOf('hold-announcement-1-en'), silence(0.5), music().subarray(8000 * 5, 8000 * 20), pcmOf('hold-announcement-2-en'), silence(0.5));

describe('frame and window features', () => {
  it('measures a 1 kHz sine: level, zero crossings, centroid, one peak, tonal', () => {
    const { frame, window } = analyse(sine(1000, 2));
    expect(frame.rms).toBeGreaterThan(5500);
    expect(frame.rms).toBeLessThan(5800);
    expect(frame.zcr).toBeCloseTo(0.25, 1);
    expect(Math.abs(frame.centroid - 1000)).toBeLessThan(60);
    expect(window.tonalityMean).toBeGreaterThan(0.9);
    expect(window.lowEnergyRatio).toBe(0);
  });

  it('reads silence as silence and noise as broadband', () => {
    expect(analyse(silence(2)).speech.sound).toBe('silence');
    let seed = 7;
    const noise = Int16Array.from({ length: 16000 }, () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return (seed / 0x7fffffff - 0.5) * 8000;
    });
    const { frame, window } = analyse(noise);
    expect(frame.zcr).toBeGreaterThan(0.3);
    expect(window.tonalityMean).toBeLessThan(0.3);
    expect(frame.centroid).toBeGreaterThan(1300);
  });

  it('tells speech fixtures from music and ringback', () => {
    for (const id of ['agent-kim-greeting', 'agent-johnson-greeting', 'hold-announcement-1-en', 'ivr-disclosures']) {
      expect(analyse(pcmOf(id)).speechShare, id).toBeGreaterThan(0.85);
    }
    expect(analyse(music()).speechShare).toBeLessThan(0.05);
    expect(analyse(decodeMuLaw(ringbackTone())).speech.sound).not.toBe('speech');
  });
});

describe('line detector', () => {
  it('learns the hold loop, never confirms on it, then confirms a new voice within 2 s', () => {
    const detector = createLineDetector({ loopLibrary: new LoopLibrary() });
    const hold = stream(detector, concat(loop, loop, loop, loop));
    expect(hold.decisions.filter((d) => d.event === 'confirmed')).toEqual([]);
    // After the loop has come round, the announcements are recognised: no suspicion at all on the last pass.
    const last = stream(detector, loop, hold.endMs);
    expect(last.decisions.filter((d) => d.event !== 'cleared')).toEqual([]);
    const onset = last.endMs + 300;
    const agent = stream(detector, concat(silence(0.3), pcmOf('agent-patel-greeting')), last.endMs);
    const confirmed = agent.decisions.find((d) => d.event === 'confirmed');
    expect(confirmed).toBeDefined();
    expect(confirmed!.t - onset / 1000).toBeLessThan(2);
    expect(confirmed!.evidence).toHaveProperty('loopMatch');
    expect(confirmed!.evidence).toHaveProperty('thresholds');
  });

  it("does not teach the shared library an agent's first words, heard before the line was suspected", () => {
    const library = new LoopLibrary();
    const first = createLineDetector({ loopLibrary: library });
    const hold = stream(first, concat(loop, loop, loop));
    expect(library.mature).toBe(true);
    const greeting = pcmOf('agent-patel-greeting');
    const heard = stream(first, concat(silence(0.4), greeting), hold.endMs);
    expect(heard.decisions.some((d) => d.event === 'confirmed')).toBe(true);
    // Another line of the destination hears the same words (the same agent saying the same sentence, a recorded
    // greeting): they are not loop audio to it.
    const second = createLineDetector({ loopLibrary: library });
    const entered = stream(second, loop.subarray(0, 30 * 8000));
    const { decisions } = stream(second, concat(silence(0.4), greeting), entered.endMs);
    const confirmed = decisions.find((d) => d.event === 'confirmed');
    expect(confirmed).toBeDefined();
    // As soon as on the first line (had the first line learned its first half second, the second would have taken
    // it for loop audio and confirmed about 0.7 s later).
    const firstLatency = heard.decisions.find((d) => d.event === 'confirmed')!.t - hold.endMs / 1000;
    expect(confirmed!.t - entered.endMs / 1000).toBeLessThan(firstLatency + 0.3);
  });

  it('shares the library: a second line knows the loop from the first', () => {
    const library = new LoopLibrary();
    stream(createLineDetector({ loopLibrary: library }), concat(loop, loop, loop));
    expect(library.mature).toBe(true);
    const second = createLineDetector({ loopLibrary: library });
    // Enters the loop mid-way (unaligned) and hears both announcements.
    const { decisions } = stream(second, concat(loop.subarray(12_345), loop));
    expect(decisions.filter((d) => d.event === 'confirmed')).toEqual([]);
  });

  it('a shadow on the same frames learns nothing and is not fooled by its live line learning', () => {
    const library = new LoopLibrary();
    stream(createLineDetector({ loopLibrary: library }), concat(loop, loop, loop));
    const live = createLineDetector({ loopLibrary: library });
    const shadow = createShadowDetector(live, { config: { confirmThreshold: 0.95 } });
    const audio = concat(loop.subarray(8000 * 7), silence(0.3), pcmOf('agent-patel-greeting'));
    const sizeBefore = library.size;
    const events: Record<string, string[]> = { live: [], shadow: [] };
    for (let i = 0, t = 0; i + 160 <= audio.length; i += 160, t += 20) {
      const frame = audio.subarray(i, i + 160);
      events.live!.push(...live.pushFrame(frame, t).map((d) => d.event));
      events.shadow!.push(...shadow.pushFrame(frame, t).map((d) => d.event));
    }
    // The agent is novel to both (the live line's own learning does not make it loop audio for the shadow).
    expect(events.live).toContain('confirmed');
    expect(events.shadow).toContain('confirmed');
    // Only the live line learned (the agent is dropped on confirmation): the shadow added nothing of its own.
    const learnedWithShadow = library.size - sizeBefore;
    const check = new LoopLibrary();
    stream(createLineDetector({ loopLibrary: check }), concat(loop, loop, loop));
    const sizeCheck = check.size;
    stream(createLineDetector({ loopLibrary: check }), audio);
    expect(learnedWithShadow).toBe(check.size - sizeCheck);
    const features = shadow.features(1000);
    expect(features).toMatchObject({ state: 'confirmed', libraryMature: true });
    expect(typeof features.loopScore).toBe('number');
    expect(typeof features.speechProbability).toBe('number');
  });

  it('a plain second detector with learn: false on the same library and frames still hears the agent', () => {
    const library = new LoopLibrary();
    stream(createLineDetector({ loopLibrary: library }), concat(loop, loop, loop));
    // A live config that never suspects, so the live line learns the agent's voice as it comes (the worst case).
    const live = createLineDetector({ loopLibrary: library, config: { weights: { speech: 0 } } });
    const second = createLineDetector({ loopLibrary: library, config: { loop: { learn: false } } });
    const audio = concat(loop.subarray(8000 * 7), silence(0.3), pcmOf('agent-patel-greeting'));
    const events: string[] = [];
    for (let i = 0, t = 0; i + 160 <= audio.length; i += 160, t += 20) {
      const frame = audio.subarray(i, i + 160);
      live.pushFrame(frame, t);
      events.push(...second.pushFrame(frame, t).map((d) => d.event));
    }
    expect(events).toContain('confirmed');
    expect(events.indexOf('confirmed')).toBe(events.lastIndexOf('confirmed'));
  });

  it('does not confirm before the library is mature (an unheard announcement)', () => {
    const detector = createLineDetector();
    const { decisions } = stream(detector, concat(music().subarray(0, 8 * 8000), pcmOf('hold-announcement-2-en')));
    expect(decisions.some((d) => d.event === 'confirmed')).toBe(false);
  });

  it('ringback, silence gaps and a music stop never confirm', () => {
    const library = new LoopLibrary();
    library.markMature();
    const detector = createLineDetector({ loopLibrary: library });
    const ring = decodeMuLaw(ringbackTone());
    const { decisions } = stream(detector, concat(music().subarray(0, 10 * 8000), silence(3), ring, ring, ring, music().subarray(0, 5 * 8000), silence(10)));
    expect(decisions.filter((d) => d.event === 'confirmed' || d.event === 'suspected')).toEqual([]);
  });

  it('escalates a voice-check prompt and never confirms it', () => {
    const prompts = new KnownPromptLibrary();
    for (const id of ['voice-check-phrase-practitioner', 'voice-check-math-four-plus-one']) prompts.addMuLaw(id, 'voice-check', fixtures.get(id).audio);
    const library = new LoopLibrary();
    library.markMature();
    const detector = createLineDetector({ loopLibrary: library, knownPrompts: prompts });
    const { decisions } = stream(detector, concat(music().subarray(0, 5 * 8000), silence(0.4), pcmOf('voice-check-math-four-plus-one'), silence(3)));
    expect(decisions.map((d) => d.event)).toContain('escalated');
    expect(decisions.some((d) => d.event === 'confirmed')).toBe(false);
    expect(detector.state).toBe('escalated');
    expect(detector.signal({ kind: 'voice-check-done' }, 20_000).map((d) => d.event)).toEqual(['cleared']);
  });

  it('escalates on a voice-check phrase in a transcript', () => {
    const detector = createLineDetector();
    expect(detector.transcript('Please say the following phrase', 1000).map((d) => d.event)).toEqual(['escalated']);
  });

  it('manual confirmation always wins', () => {
    const detector = createLineDetector();
    stream(detector, music().subarray(0, 2 * 8000));
    const [decision] = detector.confirmManually('operator@firm', 2000);
    expect(decision).toMatchObject({ event: 'confirmed', confidence: 1, t: 2 });
    expect(decision!.evidence).toMatchObject({ manual: { strategy: 'manual', confidence: 1, inputs: { by: 'operator@firm' } } });
    expect(detector.state).toBe('confirmed');
    expect(detector.confirmManually('again', 3000)).toEqual([]);
  });

  it('nothing counts between answered and ivr-done; keywords confirm a novel speaker', () => {
    const library = new LoopLibrary();
    library.markMature();
    const detector = createLineDetector({ loopLibrary: library });
    detector.signal({ kind: 'answered' }, 0);
    const ivr = stream(detector, pcmOf('agent-kim-greeting'));
    expect(ivr.decisions).toEqual([]);
    detector.signal({ kind: 'ivr-done' }, ivr.endMs);
    const greeting = pcmOf('agent-nguyen-greeting');
    const first = stream(detector, greeting.subarray(0, 8000 * 0.3), ivr.endMs);
    const byKeyword = detector.transcript('this is Ms. Nguyen, my ID number is 1000', first.endMs);
    expect([...first.decisions, ...byKeyword].map((d) => d.event)).toContain('confirmed');
  });
});

describe('detection config', () => {
  it('merges partial settings over the defaults', () => {
    const config = resolveDetectionConfig({ confirmThreshold: 0.95, loop: { matchThreshold: 0.3 } });
    expect(config.confirmThreshold).toBe(0.95);
    expect(config.loop.matchThreshold).toBe(0.3);
    expect(config.loop.minRepeatSeconds).toBeGreaterThan(0);
  });

  it('rejects T1 above T2 and weights out of range with a clear message', () => {
    expect(() => resolveDetectionConfig({ suspectThreshold: 0.95, confirmThreshold: 0.8 })).toThrow(
      /suspectThreshold \(T1 = 0.95\) must not exceed confirmThreshold \(T2 = 0.8\)/,
    );
    expect(() => resolveDetectionConfig({ weights: { speech: 1.5 } })).toThrow(/weights\.speech/);
    expect(() => createLineDetector({ config: { confirmThreshold: -1 } })).toThrow(/invalid detection config: confirmThreshold/);
  });
});
