/**
 * Strategy (b'): labeled known prompts. A voice-check prompt ("please repeat the following phrase", "what is
 * four plus one") escalates to an operator; any other known recording is not a person.
 */
import type { KnownPrompt, KnownPromptLibrary } from '../known-prompts.ts';
import type { LandmarkHasher } from '../landmarks.ts';
import { OffsetMatcher } from '../landmark-index.ts';
import type { StrategyEvidence } from '../types.ts';
import { round } from './speech-music.ts';

export class KnownPromptStrategy {
  /** Made when there are prompts to match. */
  private matcher: OffsetMatcher | undefined;
  prompt: KnownPrompt | undefined;

  constructor(
    private readonly prompts: KnownPromptLibrary,
    private readonly threshold: number,
  ) {}

  update(hasher: LandmarkHasher): void {
    if (this.prompts.count === 0) return;
    this.matcher ??= new OffsetMatcher();
    this.matcher.update(this.prompts.index, hasher.hashes, hasher.anchors, hasher.count, 0);
    this.prompt = this.matcher.score >= this.threshold ? this.prompts.promptAt(this.matcher.bestPosition) : undefined;
  }

  get score(): number {
    return this.matcher?.score ?? 0;
  }

  get voiceCheck(): boolean {
    return this.prompt?.kind === 'voice-check';
  }

  get recorded(): boolean {
    return this.prompt?.kind === 'recorded';
  }

  evidence(): StrategyEvidence {
    return {
      strategy: 'knownPrompts',
      confidence: this.prompt ? 0 : 1,
      inputs: {
        score: round(this.score),
        threshold: this.threshold,
        prompt: this.prompt?.label ?? '',
        kind: this.prompt?.kind ?? '',
      },
    };
  }
}
