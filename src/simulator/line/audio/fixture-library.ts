/**
 * The committed speech recordings (rendered by scripts/render-speech-fixtures.sh), loaded from disk once.
 * Nothing is synthesized or downloaded at run time.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { SAMPLES_PER_MS } from './constants.ts';

const entrySchema = z.object({
  id: z.string().min(1),
  role: z.enum(['ivr', 'message', 'announcement', 'voice-check', 'agent']),
  lang: z.enum(['en', 'es']),
  voice: z.string().min(1),
  speed: z.number().positive(),
  text: z.string().min(1),
  speak: z.string().optional(),
  file: z.string().min(1),
  bytes: z.number().int().positive(),
  durationMs: z.number().positive(),
});
const manifestSchema = z.object({
  format: z.string(),
  renderedWith: z.string(),
  fixtures: z.array(entrySchema),
});

export type FixtureEntry = z.infer<typeof entrySchema>;
export interface Fixture extends FixtureEntry {
  /** Raw 8 kHz mu-law samples (shared; do not modify). */
  readonly audio: Uint8Array;
}

export const DEFAULT_FIXTURE_DIR = fileURLToPath(new URL('../fixtures/', import.meta.url));

export class FixtureLibrary {
  private readonly byId = new Map<string, Fixture>();

  constructor(fixtures: readonly Fixture[]) {
    for (const f of fixtures) this.byId.set(f.id, f);
  }

  /** The fixture `id`; throws if the manifest lacks it (a typo in a scenario or roster). */
  get(id: string): Fixture {
    const fixture = this.byId.get(id);
    if (!fixture) throw new Error(`unknown speech fixture "${id}" (see src/simulator/line/fixtures/manifest.json)`);
    return fixture;
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  list(): Fixture[] {
    return [...this.byId.values()];
  }
}

const libraries = new Map<string, FixtureLibrary>();

/** Loads (once per directory) the manifest and every fixture file it lists, checking sizes against it. */
export function loadFixtures(dir = DEFAULT_FIXTURE_DIR): FixtureLibrary {
  const known = libraries.get(dir);
  if (known) return known;
  const manifest = manifestSchema.parse(JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')));
  const fixtures = manifest.fixtures.map((entry): Fixture => {
    const audio = new Uint8Array(readFileSync(join(dir, entry.file)));
    if (audio.length !== entry.bytes || Math.abs(audio.length / SAMPLES_PER_MS - entry.durationMs) > 0.5) {
      throw new Error(
        `fixture ${entry.file} does not match its manifest entry; re-run scripts/render-speech-fixtures.sh`,
      );
    }
    return { ...entry, audio };
  });
  const library = new FixtureLibrary(fixtures);
  libraries.set(dir, library);
  return library;
}
