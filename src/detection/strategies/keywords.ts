/**
 * Strategy (d): keywords in a transcript (from any TranscriptSource; no ASR engine is bundled). IRS employees
 * must give their name and ID number at the start of a call, so those phrases are strong evidence - but only
 * from audio that is not a known recording (the IRS greeting itself says "Internal Revenue Service").
 * Voice-check phrases escalate.
 */
import type { StrategyEvidence } from '../types.ts';
import { round } from './speech-music.ts';

/** Phrases that identify an employee are stronger than the agency's name, which recordings also say. */
const STRONG = ['my name is', 'id number', 'badge'];

export class KeywordStrategy {
  private confidenceAt = 0;
  private hitAt = Number.NEGATIVE_INFINITY;
  private lastText = '';
  private lastHits: string[] = [];
  voiceCheckHeard = false;

  constructor(
    private readonly phrases: readonly string[],
    private readonly voiceCheckPhrases: readonly string[],
    private readonly holdMs: number,
  ) {}

  transcript(text: string, tMs: number): void {
    const normalized = text.toLowerCase().replace(/[^a-z0-9 ]+/g, ' ').replace(/\s+/g, ' ');
    this.lastText = normalized.trim();
    this.voiceCheckHeard = this.voiceCheckPhrases.some((p) => normalized.includes(p));
    this.lastHits = this.phrases.filter((p) => normalized.includes(p));
    if (this.lastHits.length === 0) return;
    const strong = this.lastHits.some((p) => STRONG.includes(p));
    this.confidenceAt = Math.min(1, (strong ? 0.9 : 0.6) + 0.05 * (this.lastHits.length - 1));
    this.hitAt = tMs;
  }

  confidence(tMs: number): number {
    return tMs - this.hitAt <= this.holdMs ? this.confidenceAt : 0;
  }

  evidence(tMs: number): StrategyEvidence {
    return {
      strategy: 'keywords',
      confidence: round(this.confidence(tMs)),
      inputs: { text: this.lastText.slice(0, 200), hits: this.lastHits.join('|'), heardAtMs: Number.isFinite(this.hitAt) ? this.hitAt : -1 },
    };
  }
}
