/**
 * The simulated IRS line's own recordings, labelled as an engineer labels the real line's: the voice-check
 * questions (a person must answer: the product escalates them) and the IVR and courtesy messages (recordings,
 * never a person). Demo mode and tests give these to the detector as known prompts. Hold announcements are left
 * out on purpose: the detector learns those from the hold loop itself, as it must on the real line.
 */
import { loadFixtures } from './fixture-library.ts';

export interface LabelledRecording {
  label: string;
  kind: 'voice-check' | 'recorded';
  muLaw: Uint8Array;
}

export function labelledLineRecordings(): LabelledRecording[] {
  return loadFixtures()
    .list()
    .filter((fixture) => fixture.role === 'voice-check' || fixture.role === 'ivr' || fixture.role === 'message')
    .map((fixture) => ({
      label: fixture.id,
      // The question wants a person; its "thank you" / "could not verify" replies are only recordings.
      kind: fixture.role === 'voice-check' && /-(phrase|math)-/.test(fixture.id) ? 'voice-check' : 'recorded',
      muLaw: fixture.audio,
    }));
}
