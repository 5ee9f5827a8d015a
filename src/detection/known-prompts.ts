/**
 * Labeled recordings the detector recognises by fingerprint: the IRS voice-check prompts (escalate to an
 * operator) and recorded IVR/hold prompts (never a person). Built once from audio, shared by every line.
 */
import { decodeMuLaw } from '../media/mu-law.ts';
import { FingerprintStream } from './fingerprint-stream.ts';
import { LandmarkIndex, SOURCE_SPAN } from './landmark-index.ts';

/** 'voice-check': the line asks the caller to prove they are a person; 'recorded': any other IVR recording. */
export type KnownPromptKind = 'voice-check' | 'recorded';

export interface KnownPrompt {
  label: string;
  kind: KnownPromptKind;
  frames: number;
}

/** Frames quieter than this carry no peaks (must match how lines are analysed; the default silence level). */
const PROMPT_SILENCE_RMS = 150;
/**
 * A line cuts its audio into 20 ms frames wherever its RTP packets fall, not where the recording's own frames
 * start, and the landmarks of a frame grid shifted by half a frame differ enough to miss a short prompt (a
 * four-plus-one voice check went unrecognised at one offset and was confirmed as a person) or match the wrong
 * one. So each recording is indexed at four sub-frame phases, as the hold-loop library learns: some phase is
 * always within 2.5 ms of the line's grid.
 */
const PHASES = [0, 40, 80, 120];

export class KnownPromptLibrary {
  readonly index = new LandmarkIndex();
  private readonly prompts: KnownPrompt[] = [];

  /** Adds a recording (8 kHz linear PCM), at each sub-frame phase. */
  add(label: string, kind: KnownPromptKind, pcm: Int16Array): this {
    for (const phase of PHASES) this.addPhase(label, kind, pcm.subarray(phase));
    return this;
  }

  private addPhase(label: string, kind: KnownPromptKind, pcm: Int16Array): void {
    const source = this.prompts.length;
    let frames = 0;
    FingerprintStream.eachFrame(pcm, PROMPT_SILENCE_RMS, (stream) => {
      const { hashes, anchors, count } = stream.hasher;
      for (let i = 0; i < count; i++) this.index.add(hashes[i] as number, source * SOURCE_SPAN + (anchors[i] as number));
      frames++;
    });
    this.prompts.push({ label, kind, frames });
  }

  /** Adds an 8 kHz mu-law recording. */
  addMuLaw(label: string, kind: KnownPromptKind, bytes: Uint8Array): this {
    return this.add(label, kind, decodeMuLaw(bytes));
  }

  /** The prompt an index position belongs to. */
  promptAt(position: number): KnownPrompt | undefined {
    return this.prompts[Math.floor(position / SOURCE_SPAN)];
  }

  /** Recordings added (each indexed at every phase). */
  get count(): number {
    return this.prompts.length / PHASES.length;
  }
}
