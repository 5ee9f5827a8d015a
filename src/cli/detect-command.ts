/**
 * `hold-hunter detect <audio-file>`: replays a recording through the production live-agent detector, exactly
 * as a held line would feed it (the file through the 8 kHz mu-law phone path, one 20 ms frame at a time, the
 * frame index as the clock), and prints each decision as one JSON line. For tuning the detector on real
 * recordings and for checking what it would have done on a call someone saved.
 *
 * Exit codes: 0 done; 1 the audio file cannot be used; 2 bad usage or --config; 70 the detector failed.
 * Every failure is one line on stderr, never a stack trace.
 */
import { readFileSync } from 'node:fs';
import { AudioFileError, frameTimeMs, openAudioFile } from '../detection/audio-file.ts';
import { createLineDetector } from '../detection/index.ts';
import { parseDetectionSettings } from '../detection/settings-input.ts';
import type { DetectionConfigInput, DetectionDecision, LineDetector } from '../detection/index.ts';

export const DETECT_USAGE = `Usage: hold-hunter detect [--config <file.json>] <audio-file>

Replays a WAV recording (any sample rate, mono or stereo; PCM 8/16/24/32-bit, float, mu-law or A-law)
through the live-agent detector as a phone line would deliver it (8 kHz mu-law, 20 ms frames) and prints
one JSON line per decision on stdout:
  {"t":12.34,"event":"suspected|confirmed|cleared|escalated","confidence":0.93,"evidence":{...}}
t is seconds from the start of the file.

Options:
  --config <file.json>  Detection settings to override (a partial DetectionConfig, e.g.
                        {"confirmThreshold":0.95,"loop":{"learn":false}}); see docs/detection-cli.md.
  -h, --help            Show this text.

Exit status: 0 done, 1 unusable audio file, 2 bad usage or config, 70 detector failure.`;

export const EXIT_OK = 0;
export const EXIT_BAD_AUDIO = 1;
export const EXIT_USAGE = 2;
export const EXIT_DETECTOR_FAILED = 70; // EX_SOFTWARE

export interface DetectIo {
  out(line: string): void;
  err(line: string): void;
}

/** `runDetect` on the process's streams; resolves once stdout has taken every line (it may be a slow pipe). */
export async function runDetectCommand(argv: readonly string[]): Promise<number> {
  // A reader that stops early (`| head`) is not an error worth a stack trace.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(EXIT_OK);
    process.stderr.write(`hold-hunter detect: cannot write the output: ${error.message}\n`);
    process.exit(EXIT_DETECTOR_FAILED);
  });
  const code = runDetect(argv, {
    out: (line) => void process.stdout.write(`${line}\n`),
    err: (line) => void process.stderr.write(`${line}\n`),
  });
  await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
  return code;
}

class UsageError extends Error {}

type DetectArgs = { help: true } | { help: false; file: string; configPath: string | undefined };

export function parseDetectArgs(argv: readonly string[]): DetectArgs {
  let file: string | undefined;
  let configPath: string | undefined;
  let optionsEnded = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (!optionsEnded && arg.startsWith('-') && arg !== '-') {
      if (arg === '-h' || arg === '--help') return { help: true };
      if (arg === '--') optionsEnded = true;
      else if (arg === '--config') {
        configPath = argv[++i];
        if (configPath === undefined) throw new UsageError('--config needs a file name');
      } else if (arg.startsWith('--config=')) configPath = arg.slice('--config='.length);
      else throw new UsageError(`unknown option ${arg}`);
    } else if (file !== undefined) throw new UsageError(`give one audio file (got "${file}" and "${arg}")`);
    else file = arg;
  }
  if (file === undefined || file === '') throw new UsageError('give the audio file to replay');
  if (configPath === '') throw new UsageError('--config needs a file name');
  return { help: false, file, configPath };
}

/** The --config file as detection overrides; throws UsageError with one readable line. */
export function loadDetectConfig(path: string): DetectionConfigInput {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`cannot read --config ${path}: ${code === 'ENOENT' ? 'no such file' : (code ?? String(error))}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--config ${path} is not valid JSON: ${(error as Error).message}`);
  }
  try {
    return parseDetectionSettings(json).input;
  } catch (error) {
    throw new UsageError(`--config ${path}: ${(error as Error).message}`);
  }
}

/** One decision as the JSON line the command prints (t in seconds, as the detector reports it). */
export function decisionLine(decision: DetectionDecision): string {
  return JSON.stringify({ t: decision.t, event: decision.event, confidence: decision.confidence, evidence: decision.evidence });
}

export function runDetect(argv: readonly string[], io: DetectIo): number {
  let args: DetectArgs;
  let config: DetectionConfigInput | undefined;
  try {
    args = parseDetectArgs(argv);
    if (args.help) {
      io.out(DETECT_USAGE);
      return EXIT_OK;
    }
    config = args.configPath === undefined ? undefined : loadDetectConfig(args.configPath);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.err(`hold-hunter detect: ${error.message} (see hold-hunter detect --help)`);
    return EXIT_USAGE;
  }

  let frames: Generator<Int16Array, void, undefined>;
  try {
    frames = openAudioFile(args.file).frames();
  } catch (error) {
    if (!(error instanceof AudioFileError)) throw error;
    io.err(`hold-hunter detect: ${error.message}`);
    return EXIT_BAD_AUDIO;
  }

  let index = 0;
  try {
    const detector: LineDetector = createLineDetector(config === undefined ? {} : { config });
    for (const frame of frames) {
      for (const decision of detector.pushFrame(frame, frameTimeMs(index))) io.out(decisionLine(decision));
      index++;
    }
    return EXIT_OK;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof AudioFileError) {
      io.err(`hold-hunter detect: ${message}`);
      return EXIT_BAD_AUDIO;
    }
    io.err(`hold-hunter detect: the detector failed at ${(frameTimeMs(index) / 1000).toFixed(2)} s: ${message.split('\n')[0]}`);
    return EXIT_DETECTOR_FAILED;
  }
}
