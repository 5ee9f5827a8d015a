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

export class KnownPromptLibrary {
  readonly index = new LandmarkIndex();
  private readonly prompts: KnownPrompt[] = [];

  /** Adds a recording (8 kHz linear PCM). */
  add(label: string, kind: KnownPromptKind, pcm: Int16Array): this {
    const source = this.prompts.length;
    let frames = 0;
    FingerprintStream.eachFrame(pcm, PROMPT_SILENCE_RMS, (stream) => {
      const { hashes, anchors, count } = stream.hasher;
      for (let i = 0; i < count; i++) this.index.add(hashes[i] as number, source * SOURCE_SPAN + (anchors[i] as number));
      frames++;
    });
    this.prompts.push({ label, kind, frames });
    return this;
  }

  /** Adds an 8 kHz mu-law recording. */
  addMuLaw(label: string, kind: KnownPromptKind, bytes: Uint8Array): this {
    return this.add(label, kind, decodeMuLaw(bytes));
  }

  /** The prompt an index position belongs to. */
  promptAt(position: number): KnownPrompt | undefined {
    return this.prompts[Math.floor(position / SOURCE_SPAN)];
  }

  get count(): number {
    return this.prompts.length;
  }
}
