import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeMuLaw } from '../../src/media/mu-law.ts';
import { holdMusic } from '../../src/simulator/line/audio/hold-music.ts';
import { loadFixtures } from '../../src/simulator/line/audio/fixture-library.ts';
import { buildWav } from '../support/wav-file.ts';
import { EXIT_BAD_AUDIO, EXIT_USAGE, parseDetectArgs, runDetect } from '../../src/cli/detect-command.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MAIN = join(ROOT, 'src/cli/main.ts');
const BIN = join(ROOT, 'bin/hold-hunter.js');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `npx tsx src/cli/main.ts detect ...args` as a child process (tsx's loader in plain node: no npx start-up). */
function detect(args: string[], entry: 'main' | 'bin' = 'main'): Promise<Run> {
  const argv = entry === 'main' ? ['--import', 'tsx', MAIN, 'detect', ...args] : [BIN, 'detect', ...args];
  return new Promise((resolve) => {
    execFile(process.execPath, argv, { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Lines of stderr; a stack trace would show "    at ..." frames. */
function expectOneCleanErrorLine(run: Run, pattern: RegExp): void {
  const lines = run.stderr.trimEnd().split('\n');
  expect(lines, run.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^hold-hunter detect: /);
  expect(lines[0]).toMatch(pattern);
  expect(run.stderr).not.toMatch(/\n\s+at /);
  expect(run.stdout).toBe('');
}

const dir = mkdtempSync(join(tmpdir(), 'hh-detect-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * A saved call as a phone system records it: a hold loop (music, then a recorded announcement) heard twice - the
 * detector trusts audio alone only once it has heard the loop's recorded speech come round - then more music,
 * the pickup gap, an agent's greeting and dead air. Written as a 16 kHz 16-bit WAV so the replay resamples too.
 */
let clip: string;
let agentOnsetSeconds: number;

beforeAll(() => {
  const music = decodeMuLaw(holdMusic());
  const fixtures = loadFixtures();
  const at8k: number[] = [];
  const append = (samples: ArrayLike<number>, count = samples.length) => {
    for (let i = 0; i < count; i++) at8k.push(samples[i % samples.length] as number);
  };
  const silence = (seconds: number) => append([0], Math.round(seconds * 8000));
  for (let round = 0; round < 2; round++) {
    append(music, 25 * 8000);
    silence(0.6);
    append(decodeMuLaw(fixtures.get('hold-announcement-1-en').audio));
    silence(0.6);
  }
  append(music, 10 * 8000);
  silence(0.4);
  agentOnsetSeconds = at8k.length / 8000;
  append(decodeMuLaw(fixtures.get('agent-kim-greeting').audio));
  silence(2);
  // Each sample twice, the second the mean of its neighbours: crude, but the detector hears it back at 8 kHz.
  const at16k = new Float64Array(at8k.length * 2);
  for (let i = 0; i < at8k.length; i++) {
    at16k[2 * i] = at8k[i]! / 32768;
    at16k[2 * i + 1] = (at8k[i]! + (at8k[i + 1] ?? 0)) / 2 / 32768;
  }
  clip = join(dir, 'hold-then-agent.wav');
  writeFileSync(clip, buildWav({ sampleRate: 16000, channels: [at16k], encoding: 'pcm16' }));
});

describe('hold-hunter detect', () => {
  it('prints one JSON line per decision for a recorded call, ending confirmed after the agent starts', async () => {
    const run = await detect([clip]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const decisions = run.stdout.trimEnd().split('\n').map((line) => JSON.parse(line));
    expect(decisions.length).toBeGreaterThan(0);
    for (const d of decisions) {
      expect(Object.keys(d)).toEqual(['t', 'event', 'confidence', 'evidence']);
      expect(['suspected', 'confirmed', 'cleared', 'escalated']).toContain(d.event);
      expect(d.confidence).toBeGreaterThanOrEqual(0);
      expect(d.confidence).toBeLessThanOrEqual(1);
      expect(typeof d.evidence).toBe('object');
    }
    const confirmed = decisions.filter((d) => d.event === 'confirmed');
    expect(confirmed, run.stdout).toHaveLength(1);
    expect(decisions[decisions.length - 1].event).toBe('confirmed');
    // Seconds, after the agent starts and within his greeting.
    expect(confirmed[0].t).toBeGreaterThan(agentOnsetSeconds);
    expect(confirmed[0].t).toBeLessThan(agentOnsetSeconds + 6);
  });

  it('--config overrides are applied: needing a minute of speech to rise, the greeting never confirms', async () => {
    const config = join(dir, 'slow.json');
    writeFileSync(config, JSON.stringify({ integration: { riseSeconds: 60 } }));
    const run = await detect(['--config', config, clip], 'bin');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).not.toContain('"confirmed"');
  });

  it('--help prints the usage and exits 0', async () => {
    const run = await detect(['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Usage: hold-hunter detect');
  });

  describe.concurrent('as a process: one line on stderr, the exit code, no stack trace', () => {
    const wav = buildWav({ sampleRate: 8000, channels: [new Float64Array(800).fill(0.1)], encoding: 'pcm16' });
    it.each([
      ['missing', () => [join(dir, 'no-such.wav')], 1, /no-such\.wav does not exist$/],
      ['truncated', () => [write('cut.wav', wav.subarray(0, 500))], 1, /cut\.wav is truncated/],
      ['not audio', () => [write('notes.wav', 'these are meeting notes\n')], 1, /notes\.wav is not a WAV audio file/],
      ['config out of range', () => ['--config', write('range.json', '{"confirmThreshold": 7}'), clip], 2, /invalid detection config: confirmThreshold/],
    ] as const)('%s', async (_name, args, code, pattern) => {
      const run = await detect([...args()]);
      expect(run.code).toBe(code);
      expectOneCleanErrorLine(run, pattern);
    });
  });

  describe('runDetect: every failure is one line and an exit code', () => {
    const wav = buildWav({ sampleRate: 8000, channels: [new Float64Array(800).fill(0.1)], encoding: 'pcm16' });
    it.each([
      ['missing', () => [join(dir, 'no-such.wav')], EXIT_BAD_AUDIO, /no-such\.wav does not exist$/],
      ['empty', () => [write('empty.wav', new Uint8Array(0))], EXIT_BAD_AUDIO, /empty\.wav is empty/],
      ['truncated', () => [write('cut.wav', wav.subarray(0, 500))], EXIT_BAD_AUDIO, /cut\.wav is truncated/],
      ['not audio', () => [write('notes.wav', 'these are meeting notes\n')], EXIT_BAD_AUDIO, /notes\.wav is not a WAV audio file/],
      ['a directory', () => [dir], EXIT_BAD_AUDIO, /is a directory/],
      ['unsupported', () => [write('adpcm.wav', buildWav({ sampleRate: 8000, channels: [new Float64Array(10)], encoding: 'pcm16', formatCode: 2 }))], EXIT_BAD_AUDIO, /Microsoft ADPCM/],
      ['no file', () => [], EXIT_USAGE, /give the audio file/],
      ['two files', () => ['a.wav', 'b.wav'], EXIT_USAGE, /give one audio file/],
      ['unknown option', () => ['--fast', 'a.wav'], EXIT_USAGE, /unknown option --fast/],
      ['--config without a file', () => ['a.wav', '--config'], EXIT_USAGE, /--config needs a file name/],
      ['config missing', () => ['--config', join(dir, 'none.json'), clip], EXIT_USAGE, /cannot read --config .*none\.json: no such file/],
      ['config not JSON', () => [`--config=${write('bad.json', '{ confirmThreshold: 0.9 ')}`, clip], EXIT_USAGE, /bad\.json is not valid JSON/],
      ['config not an object', () => ['--config', write('list.json', '[1]'), clip], EXIT_USAGE, /must hold a JSON object/],
      ['config out of range', () => ['--config', write('range.json', '{"confirmThreshold": 7}'), clip], EXIT_USAGE, /invalid detection config: confirmThreshold/],
      ['config inconsistent', () => ['--config', write('order.json', '{"suspectThreshold": 0.95}'), clip], EXIT_USAGE, /must not exceed confirmThreshold/],
      ['config misspelt', () => ['--config', write('typo.json', '{"confirmThreshhold": 0.8, "loop": {"lern": false}}'), clip], EXIT_USAGE, /unknown settings confirmThreshhold, loop\.lern/],
    ] as const)('%s', (_name, args, code, pattern) => {
      const out: string[] = [];
      const err: string[] = [];
      expect(runDetect(args(), { out: (l) => out.push(l), err: (l) => err.push(l) })).toBe(code);
      expect(out).toEqual([]);
      expect(err).toHaveLength(1);
      expect(err[0]).toMatch(/^hold-hunter detect: /);
      expect(err[0]).toMatch(pattern);
      expect(err[0]).not.toContain('\n');
    });

    it('a file name after -- may start with a dash', () => {
      expect(parseDetectArgs(['--', '-take-2.wav'])).toEqual({ help: false, file: '-take-2.wav', configPath: undefined });
    });
  });
});

function write(name: string, content: Uint8Array | string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}
