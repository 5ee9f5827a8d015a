/**
 * The spoken human checks piloted on PPS since October 2022: repeat a phrase, or answer simple arithmetic
 * ("what's 4+1"), before transfer to an assistor (research section 1.1).
 */
export type VoiceCheckKind = 'repeat-phrase' | 'arithmetic';

export interface VoiceCheckPrompt {
  id: string;
  kind: VoiceCheckKind;
  /** What the caller is asked (the part that changes between prompts). */
  prompt: string;
  expectedAnswer: string;
  fixture: string;
}

export const voiceCheckPrompts: readonly VoiceCheckPrompt[] = [
  {
    id: 'phrase-practitioner',
    kind: 'repeat-phrase',
    prompt: 'Please repeat the following phrase: Practitioner priority service.',
    expectedAnswer: 'practitioner priority service',
    fixture: 'voice-check-phrase-practitioner',
  },
  {
    id: 'phrase-river',
    kind: 'repeat-phrase',
    prompt: 'Please repeat the following phrase: Green river, blue sky.',
    expectedAnswer: 'green river blue sky',
    fixture: 'voice-check-phrase-river',
  },
  {
    id: 'math-four-plus-one',
    kind: 'arithmetic',
    prompt: 'What is four plus one?',
    expectedAnswer: '5',
    fixture: 'voice-check-math-four-plus-one',
  },
  {
    id: 'math-three-plus-six',
    kind: 'arithmetic',
    prompt: 'What is three plus six?',
    expectedAnswer: '9',
    fixture: 'voice-check-math-three-plus-six',
  },
];

export const VOICE_CHECK_THANKS_FIXTURE = 'voice-check-thanks';
export const VOICE_CHECK_FAILED_FIXTURE = 'voice-check-failed';
