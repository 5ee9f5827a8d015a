import { statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_FIXTURE_DIR, loadFixtures } from '../../../src/simulator/line/audio/fixture-library.ts';
import { muLawRms } from '../../../src/media/mu-law.ts';
import { agents, scenarios, voiceCheckPrompts } from '../../../src/simulator/line/index.ts';
import { IVR_GREETING_FIXTURES } from '../../../src/simulator/line/ivr-script.ts';
import {
  VOICE_CHECK_FAILED_FIXTURE,
  VOICE_CHECK_THANKS_FIXTURE,
} from '../../../src/simulator/line/voice-check-prompts.ts';

describe('speech fixtures', () => {
  const fixtures = loadFixtures();

  it('are small, committed and match their manifest', () => {
    const total = fixtures.list().reduce((sum, f) => sum + statSync(join(DEFAULT_FIXTURE_DIR, f.file)).size, 0);
    expect(total).toBeLessThan(2 * 1024 * 1024);
    for (const f of fixtures.list()) {
      expect(f.audio.length, f.id).toBe(f.durationMs * 8);
      expect(muLawRms(f.audio), f.id).toBeGreaterThan(500);
    }
    expect(loadFixtures()).toBe(fixtures); // loaded once
  });

  it('cover everything the model plays', () => {
    const used = [
      ...IVR_GREETING_FIXTURES,
      VOICE_CHECK_FAILED_FIXTURE,
      VOICE_CHECK_THANKS_FIXTURE,
      'closed-message',
      'courtesy-message',
      ...voiceCheckPrompts.map((p) => p.fixture),
      ...agents.flatMap((a) => [a.greetingFixture, a.helloFixture]),
      ...Object.values(scenarios).flatMap((s) => [
        s.ivr.invalidFixture,
        s.ivr.goodbyeFixture,
        ...s.ivr.menus.map((m) => m.promptFixture),
      ]),
    ];
    for (const id of used) expect(fixtures.has(id), id).toBe(true);
    expect(() => fixtures.get('nope')).toThrow(/unknown speech fixture "nope"/);
  });

  it('give agents 3-6 s greetings with title, surname and ID, in voices unlike the announcements', () => {
    const announcementVoices = new Set(
      fixtures.list().filter((f) => f.role === 'announcement' || f.role === 'ivr').map((f) => f.voice.split('+')[1]),
    );
    const agentVoices = new Set<string>();
    for (const a of agents) {
      const greeting = fixtures.get(a.greetingFixture);
      expect(greeting.durationMs, a.id).toBeGreaterThanOrEqual(3000);
      expect(greeting.durationMs, a.id).toBeLessThanOrEqual(6000);
      expect(greeting.text).toContain(`${a.title} ${a.surname}`);
      expect(greeting.text).toContain(a.employeeId);
      expect(a.employeeId).toMatch(/^\d{10}$/);
      expect(fixtures.get(a.helloFixture).text).toBe('Hello? Is anyone there?');
      expect(fixtures.get(a.helloFixture).voice).toBe(greeting.voice);
      expect(announcementVoices.has(greeting.voice.split('+')[1])).toBe(false);
      agentVoices.add(greeting.voice);
    }
    expect(agentVoices.size).toBe(agents.length);
  });

  it('have English announcements with Spanish repeats', () => {
    const ids = fixtures.list().map((f) => f.id);
    const english = ids.filter((id) => /^hold-announcement-\d+-en$/.test(id));
    expect(english.length).toBeGreaterThanOrEqual(1);
    for (const id of english) {
      const es = fixtures.get(id.replace(/-en$/, '-es'));
      expect(es.lang).toBe('es');
      expect(es.voice).toMatch(/^es/);
    }
  });
});
