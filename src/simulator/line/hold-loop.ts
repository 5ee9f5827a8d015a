/**
 * The hold loop of one destination number: music interrupted every 30-90 s by a recorded announcement in
 * English then Spanish, now and then a ringback burst after the announcement or a silence gap inside the
 * music (false cues for a detector). It is one recording shared by every line to the number - the research
 * recommends fingerprinting it across legs - and it plays at its own pace (never time-scaled).
 */
import { Random } from '../random.ts';
import { SAMPLES_PER_MS, msToSamples } from './audio/constants.ts';
import type { FixtureLibrary } from './audio/fixture-library.ts';
import { holdMusic } from './audio/hold-music.ts';
import { decodeMuLaw, encodeMuLaw } from '../../media/mu-law.ts';
import { ringbackTone } from './audio/tones.ts';
import type { HoldLoopParams } from './scenario.ts';

/** 'silence' pauses around announcements; 'gap' is a silence inside the music (a false cue). */
export type HoldLoopSegmentKind = 'music' | 'announcement' | 'ringback' | 'silence' | 'gap';

export interface HoldLoopSegment {
  kind: HoldLoopSegmentKind;
  startMs: number;
  durationMs: number;
  /** Announcements: the fixture played and its language. */
  fixture?: string;
  lang?: 'en' | 'es';
}

export interface HoldLoop {
  toNumber: string;
  /** The whole loop as 8 kHz mu-law (shared; do not modify). */
  audio: Uint8Array;
  durationMs: number;
  /** Every segment, in order, covering the loop. */
  segments: HoldLoopSegment[];
}

export interface HoldLoopInput {
  seed: number | string;
  toNumber: string;
  params: HoldLoopParams;
  fixtures: FixtureLibrary;
}

/** Music is faded over 30 ms where it stops or resumes, as a hold system does, so cuts are not clicks. */
const FADE_SAMPLES = msToSamples(30);

class LoopWriter {
  readonly chunks: Int16Array[] = [];
  readonly segments: HoldLoopSegment[] = [];
  length = 0;

  add(kind: HoldLoopSegmentKind, pcm: Int16Array, extra: Partial<HoldLoopSegment> = {}): void {
    if (pcm.length === 0) return;
    const startMs = this.length / SAMPLES_PER_MS;
    this.segments.push({ kind, startMs, durationMs: pcm.length / SAMPLES_PER_MS, ...extra });
    this.chunks.push(pcm);
    this.length += pcm.length;
  }

  concat(): Int16Array {
    const out = new Int16Array(this.length);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }
}

export function buildHoldLoop(input: HoldLoopInput): HoldLoop {
  const { params, fixtures } = input;
  const rng = Random.derive(input.seed, 'hold-loop', input.toNumber);
  const music = decodeMuLaw(holdMusic());
  const ring = decodeMuLaw(ringbackTone());
  const pairs = announcementPairs(fixtures);
  const writer = new LoopWriter();
  let musicPos = 0;

  const addMusic = (samples: number) => {
    const pcm = new Int16Array(samples);
    for (let i = 0; i < samples; i++) {
      const fade = Math.min(1, i / FADE_SAMPLES, (samples - 1 - i) / FADE_SAMPLES);
      pcm[i] = Math.round((music[(musicPos + i) % music.length] as number) * fade);
    }
    musicPos = (musicPos + samples) % music.length;
    writer.add('music', pcm);
  };
  const addSilence = (ms: number, kind: 'silence' | 'gap' = 'silence') =>
    writer.add(kind, new Int16Array(msToSamples(ms)));

  let pairIndex = 0;
  const lengthSamples = msToSamples(params.lengthMs);
  while (writer.length < lengthSamples) {
    const stretch = msToSamples(rng.uniform(...params.announcementEveryMs));
    if (rng.chance(params.silenceGapProbability)) {
      // A silence gap somewhere in the middle of the music: music stops, nothing follows, music resumes.
      const split = Math.round(stretch * rng.uniform(0.2, 0.8));
      addMusic(split);
      addSilence(rng.uniform(...params.silenceGapMs), 'gap');
      addMusic(stretch - split);
    } else addMusic(stretch);
    if (writer.length >= lengthSamples) break;

    const pair = pairs[pairIndex++ % pairs.length] as [string, string];
    addSilence(params.languageGapMs);
    for (const [i, id] of pair.entries()) {
      if (i > 0) addSilence(params.languageGapMs);
      writer.add('announcement', decodeMuLaw(fixtures.get(id).audio), { fixture: id, lang: i === 0 ? 'en' : 'es' });
    }
    addSilence(params.languageGapMs);
    if (rng.chance(params.ringbackBurstProbability)) {
      writer.add('ringback', ring.slice(0, Math.min(ring.length, msToSamples(params.ringbackBurstMs))));
    }
  }

  const audio = encodeMuLaw(writer.concat());
  return {
    toNumber: input.toNumber,
    audio,
    durationMs: audio.length / SAMPLES_PER_MS,
    segments: mergeAdjacent(writer.segments),
  };
}

/** The [English, Spanish] fixture ids of each announcement (hold-announcement-N-en / -es). */
function announcementPairs(fixtures: FixtureLibrary): [string, string][] {
  const pairs: [string, string][] = [];
  for (const f of fixtures.list()) {
    const m = /^hold-announcement-(\d+)-en$/.exec(f.id);
    const es = m ? `hold-announcement-${m[1]}-es` : '';
    if (m && fixtures.has(es)) pairs.push([f.id, es]);
  }
  if (pairs.length === 0) throw new Error('no hold announcements among the speech fixtures');
  return pairs;
}

/** Joins consecutive music (or silence) segments so each entry is one stretch of a kind. */
function mergeAdjacent(segments: HoldLoopSegment[]): HoldLoopSegment[] {
  const out: HoldLoopSegment[] = [];
  for (const s of segments) {
    const last = out[out.length - 1];
    if (last && last.kind === s.kind && (s.kind === 'music' || s.kind === 'silence')) last.durationMs += s.durationMs;
    else out.push({ ...s });
  }
  return out;
}
