/**
 * Listens to every softphone line of this engine thread and runs live-agent detection on it: one detector per
 * call with its destination's live settings and shared hold-loop library, and, when a shadow (candidate) set is
 * saved for the destination, a second detector on the same frames whose decisions are recorded but never acted
 * on. Live decisions reach the job's owner through the job's stream like any other event (suspected →
 * `call.suspect`, confirmed → `call.confirm` by "detector", cleared → `call.clear`); the IRS voice check is an
 * operator alert, never answered by us. Every decision is recorded with its evidence, and the audio around it
 * when clips are on. Audio never leaves the thread that receives it; only decisions cross Redis.
 */
import type { DetectionStrategy } from '../feature-flags.ts';
import { metrics } from '../observability/metrics.ts';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { AudioFrame, CallAudio } from '../media/call-audio.ts';
import { PhoneFrames } from '../media/phone-frames.ts';
import { createLineDetector, createShadowDetector, KnownPromptLibrary, LoopLibrary, RedisLoopLibraryStore } from '../detection/index.ts';
import type { DetectionDecision, LineDetector } from '../detection/index.ts';
import type { LabelledRecording } from '../simulator/line/audio/labelled-recordings.ts';
import { ivrDoneDelayMs } from '../../machines/hunt-rules.ts';
import type { HuntEvent } from '../../machines/hunt-protocol.ts';
import { globalKeys, jobKeys } from '../store/redis-keys.ts';
import { parseSessionMapValue } from '../store/session-map.ts';
import { ClipRecorder } from './decision-clips.ts';
import type { ClipSettings } from './decision-clips.ts';
import { DetectionSettingsStore } from './detection-settings.ts';
import { uiChannel } from './job-history.ts';
import { appendToJobStream } from './job-stream.ts';
import { readJob } from './job-records.ts';

export interface LineListeningOptions {
  redis: Redis;
  audio: CallAudio;
  log: Logger;
  /** The audio around each decision, kept `retentionSeconds`; false where consent rules forbid recording. */
  clips: (ClipSettings & { retentionSeconds: number }) | false;
  knownPrompts?: KnownPromptLibrary;
  /** FEATURES detection.<strategy>=off: these strategies weigh 0 on every line, whatever the settings say. */
  strategiesOff?: DetectionStrategy[];
  /** A line with no frame for this long has ended (default 3 s). */
  idleMs?: number;
  /** How often the loop libraries in use are saved (default 60 s). */
  saveEveryMs?: number;
  now?: () => number;
}

/** What a detection record says (one entry of the job's `detections` stream). */
export interface DetectionRecord {
  callId: string;
  telephonySessionId: string;
  /** live: acted on; shadow: the candidate settings, only recorded. */
  mode: 'live' | 'shadow';
  settingsVersion: number;
  event: DetectionDecision['event'];
  /** Seconds since the line's audio started. */
  t: number;
  /** Wall ms of the decision. */
  at: number;
  confidence: number;
  evidence: Record<string, unknown>;
  /** Key of the audio clip around the decision, when clips are on. */
  clip?: string;
}

interface Listener {
  detector: LineDetector;
  version: number;
  decisions: number;
}

interface ListenedLine {
  jobId: string;
  callId: string;
  sessionId: string;
  destinationId: string;
  /** Wall ms of the first frame: detector time 0. */
  startedAt: number;
  lastFrameAt: number;
  ivrDoneAtMs: number;
  ivrSignalled: boolean;
  live: Listener;
  shadow?: Listener;
  clips?: ClipRecorder;
  /** Non-8 kHz lines (Opus) go through the phone path first. */
  phoneFrames: PhoneFrames;
  /** An operator talks on the line (talk-through) until this wall ms: see operatorTalk. */
  talkUntil: number;
}

type LineSlot = ListenedLine | { ignoredSince: number } | 'resolving';

const MAP_WAIT_MS = 5_000;
const MAP_RETRY_MS = 200;
const FINAL = new Set(['completed', 'cancelled', 'failed']);
/** The settings with the switched-off strategies at weight 0 (unchanged when none is off). */
export function withStrategiesOff<T extends { weights?: Partial<Record<DetectionStrategy, number>> }>(config: T | undefined, off: DetectionStrategy[] | undefined): T | undefined {
  if (!off?.length) return config;
  const zeroed = Object.fromEntries(off.map((strategy) => [strategy, 0]));
  return { ...(config ?? ({} as T)), weights: { ...config?.weights, ...zeroed } };
}

/** After an operator stops talking, their voice may still come back as a network echo for a moment. */
const ECHO_TAIL_MS = 500;

export class LineListening {
  private readonly lines = new Map<string, LineSlot>();
  private readonly libraries = new Map<string, Promise<LoopLibrary>>();
  private readonly saved = new Map<string, string>();
  private readonly settings: DetectionSettingsStore;
  private readonly libraryStore: RedisLoopLibraryStore;
  private readonly now: () => number;
  private unsubscribe?: () => void;
  private sweepTimer?: NodeJS.Timeout;
  private saveTimer?: NodeJS.Timeout;
  private closed = false;

  constructor(private readonly options: LineListeningOptions) {
    this.settings = new DetectionSettingsStore(options.redis);
    this.libraryStore = new RedisLoopLibraryStore(options.redis);
    this.now = options.now ?? Date.now;
  }

  start(): void {
    this.unsubscribe = this.options.audio.subscribeAll((sessionId, frame) => this.onFrame(sessionId, frame));
    this.sweepTimer = setInterval(() => this.sweep(), 1_000);
    this.sweepTimer.unref();
    this.saveTimer = setInterval(() => void this.saveLibraries(), this.options.saveEveryMs ?? 60_000);
    this.saveTimer.unref();
  }

  /** Lines being listened to now. */
  get listening(): number {
    let n = 0;
    for (const slot of this.lines.values()) if (typeof slot === 'object' && 'live' in slot) n++;
    return n;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribe?.();
    clearInterval(this.sweepTimer);
    clearInterval(this.saveTimer);
    for (const [sessionId, slot] of this.lines) if (typeof slot === 'object' && 'live' in slot) this.end(sessionId, slot);
    await this.saveLibraries();
  }

  private onFrame(sessionId: string, frame: AudioFrame): void {
    const slot = this.lines.get(sessionId);
    if (slot === undefined) {
      this.lines.set(sessionId, 'resolving');
      this.resolve(sessionId, frame.at).catch((error: unknown) => {
        this.options.log.warn({ err: error, telephonySessionId: sessionId }, 'cannot listen to this line');
        this.lines.set(sessionId, { ignoredSince: this.now() });
      });
      return;
    }
    if (slot === 'resolving' || !('live' in slot)) return;
    slot.lastFrameAt = this.now();
    for (const pcm of slot.phoneFrames.of(frame)) this.listen(slot, pcm, frame.at - slot.startedAt);
  }

  /**
   * Talk-through on a line (src/engine/talk-through.ts). The operator's voice goes up the line, not down, but a
   * network echo of it must not teach the loop library or look like an agent: while they talk (and a moment
   * after) the detectors hear nothing, except on an escalated line, where they already learn and decide nothing.
   * When the operator is done with an escalated line (the IRS voice check), detection resumes and the alert goes.
   */
  operatorTalk(sessionId: string, state: 'talking' | 'ended'): void {
    const line = this.lines.get(sessionId);
    if (typeof line !== 'object' || !('live' in line)) return;
    line.talkUntil = state === 'talking' ? Number.POSITIVE_INFINITY : this.now() + ECHO_TAIL_MS;
    if (state !== 'ended' || line.live.detector.state !== 'escalated') return;
    const tMs = this.now() - line.startedAt;
    this.decide(line, 'live', line.live.detector.signal({ kind: 'voice-check-done' }, tMs));
    if (line.shadow) this.decide(line, 'shadow', line.shadow.detector.signal({ kind: 'voice-check-done' }, tMs));
    this.clearAlert(line, 'IRS voice check handled by an operator: detection resumes');
  }

  /** The voice-check alert of a line goes: an operator handled it, or the line ended (a redial starts afresh). */
  private clearAlert(line: ListenedLine, why: string): void {
    const { redis, log } = this.options;
    const { jobId, callId } = line;
    redis
      .multi()
      .hdel(jobKeys(jobId).alerts, callId)
      .publish(uiChannel(jobId), JSON.stringify({ jobId, alertCleared: { callId, kind: 'voice-check' } }))
      .exec()
      .catch((error: unknown) => log.error({ err: error, jobId, callId }, 'voice-check alert not cleared'));
    log.info({ jobId, callId }, why);
  }

  private listen(line: ListenedLine, pcm: Int16Array, tMs: number): void {
    line.clips?.push(pcm);
    if (!line.ivrSignalled && tMs >= line.ivrDoneAtMs) {
      // The menus are answered (the job's own ivr-done timer fires at the same offset from the answer).
      line.ivrSignalled = true;
      this.decide(line, 'live', line.live.detector.signal({ kind: 'ivr-done' }, tMs));
      if (line.shadow) this.decide(line, 'shadow', line.shadow.detector.signal({ kind: 'ivr-done' }, tMs));
    }
    if (this.now() < line.talkUntil && line.live.detector.state !== 'escalated') return;
    this.decide(line, 'live', line.live.detector.pushFrame(pcm, tMs));
    if (line.shadow) this.decide(line, 'shadow', line.shadow.detector.pushFrame(pcm, tMs));
  }

  /** Finds the job and call of a new session, then sets up its detectors; frames until then are not listened to. */
  private async resolve(sessionId: string, firstFrameAt: number): Promise<void> {
    const { redis } = this.options;
    let mapped: string | null = null;
    for (let waited = 0; waited <= MAP_WAIT_MS && !this.closed; waited += MAP_RETRY_MS) {
      // The dial maps the session right after it is placed; the audio can start a moment before.
      mapped = await redis.hget(globalKeys.sessionMap, sessionId);
      if (mapped) break;
      await new Promise((resolve) => setTimeout(resolve, MAP_RETRY_MS));
    }
    const { jobId, callId } = parseSessionMapValue(mapped) ?? {};
    const record = jobId ? await readJob(redis, jobId) : undefined;
    if (!jobId || !callId || !record || FINAL.has(record.status) || this.closed) {
      this.lines.set(sessionId, { ignoredSince: this.now() });
      return;
    }
    const destination = record.spec.destination;
    const [live, shadow, library] = await Promise.all([this.settings.get(destination.id), this.settings.get(destination.id, 'shadow'), this.library(destination.id)]);
    const knownPrompts = this.options.knownPrompts;
    const liveConfig = withStrategiesOff(live?.config, this.options.strategiesOff);
    const liveDetector = createLineDetector({ ...(liveConfig ? { config: liveConfig } : {}), loopLibrary: library, ...(knownPrompts ? { knownPrompts } : {}) });
    const line: ListenedLine = {
      jobId,
      callId,
      sessionId,
      destinationId: destination.id,
      startedAt: firstFrameAt,
      lastFrameAt: this.now(),
      ivrDoneAtMs: ivrDoneDelayMs(destination),
      ivrSignalled: false,
      phoneFrames: new PhoneFrames(),
      talkUntil: 0,
      live: { detector: liveDetector, version: live?.version ?? 0, decisions: 0 },
      ...(shadow
        ? {
            // The candidate hears the same audio as the live line's shadow: it never teaches the shared library.
            shadow: { detector: createShadowDetector(liveDetector, { config: shadow.config, ...(knownPrompts ? { knownPrompts } : {}) }), version: shadow.version, decisions: 0 },
          }
        : {}),
      ...(this.options.clips ? { clips: new ClipRecorder(this.options.clips) } : {}),
    };
    if (this.closed) return;
    this.lines.set(sessionId, line);
    // Audio flows once the far end answered: that is time 0 of the line.
    this.decide(line, 'live', line.live.detector.signal({ kind: 'answered' }, 0));
    if (line.shadow) this.decide(line, 'shadow', line.shadow.detector.signal({ kind: 'answered' }, 0));
    this.options.log.debug({ jobId, callId, telephonySessionId: sessionId, shadow: Boolean(shadow) }, 'listening to a line');
  }

  private library(destinationId: string): Promise<LoopLibrary> {
    let library = this.libraries.get(destinationId);
    if (!library) {
      library = LoopLibrary.load(this.libraryStore, destinationId).then((loaded) => {
        this.saved.set(destinationId, stateOf(loaded));
        return loaded;
      });
      library.catch(() => this.libraries.delete(destinationId));
      this.libraries.set(destinationId, library);
    }
    return library;
  }

  /** Acts on live decisions (through the job's stream) and records every decision, live or shadow. */
  private decide(line: ListenedLine, mode: 'live' | 'shadow', decisions: DetectionDecision[]): void {
    for (const decision of decisions) {
      const listener = mode === 'live' ? line.live : line.shadow;
      if (!listener) continue;
      listener.decisions += 1;
      if (mode === 'live') this.act(line, decision);
      this.record(line, mode, listener, decision);
      metrics.detectionDecisions.inc({ event: decision.event, mode });
    }
  }

  private act(line: ListenedLine, decision: DetectionDecision): void {
    const { redis, log } = this.options;
    const at = this.now();
    const { jobId, callId } = line;
    let event: HuntEvent | undefined;
    if (decision.event === 'suspected') event = { type: 'call.suspect', callId, confidence: decision.confidence, at };
    else if (decision.event === 'confirmed') event = { type: 'call.confirm', callId, by: 'detector', at };
    else if (decision.event === 'cleared') event = { type: 'call.clear', callId, at };
    if (event) {
      appendToJobStream(redis, jobId, { kind: 'result', event }).catch((error: unknown) => log.error({ err: error, jobId, callId }, 'detection decision not delivered'));
      return;
    }
    // escalated: the IRS voice check wants a person. Alert the operators; the machine never answers it.
    const alert = { callId, kind: 'voice-check', at, confidence: decision.confidence };
    redis
      .multi()
      .hset(jobKeys(jobId).alerts, callId, JSON.stringify(alert))
      .publish(uiChannel(jobId), JSON.stringify({ jobId, alert }))
      .exec()
      .catch((error: unknown) => log.error({ err: error, jobId, callId }, 'voice-check alert not delivered'));
    log.warn({ jobId, callId }, 'IRS voice check on a line: operator needed');
  }

  private record(line: ListenedLine, mode: 'live' | 'shadow', listener: Listener, decision: DetectionDecision): void {
    const { redis, log, clips } = this.options;
    const clipKey = clips ? jobKeys(line.jobId).clip(line.callId, `${line.sessionId}-${mode}-${listener.decisions}`) : undefined;
    const entry: DetectionRecord = {
      callId: line.callId,
      telephonySessionId: line.sessionId,
      mode,
      settingsVersion: listener.version,
      event: decision.event,
      t: decision.t,
      at: this.now(),
      confidence: decision.confidence,
      evidence: decision.evidence,
      ...(clipKey ? { clip: clipKey } : {}),
    };
    redis
      .xadd(jobKeys(line.jobId).detections, 'MAXLEN', '~', '20000', '*', 'd', JSON.stringify(entry))
      .catch((error: unknown) => log.warn({ err: error, jobId: line.jobId }, 'detection record not written'));
    if (clips && clipKey && line.clips) {
      line.clips.capture((clip) => {
        redis.set(clipKey, Buffer.from(clip), 'EX', clips.retentionSeconds).catch((error: unknown) => log.warn({ err: error, jobId: line.jobId }, 'detection clip not written'));
      });
    }
  }

  private sweep(): void {
    const now = this.now();
    const idleMs = this.options.idleMs ?? 3_000;
    for (const [sessionId, slot] of this.lines) {
      if (slot === 'resolving') continue;
      if ('ignoredSince' in slot) {
        if (now - slot.ignoredSince > 60_000) this.lines.delete(sessionId);
      } else if (now - slot.lastFrameAt > idleMs) {
        this.end(sessionId, slot);
      }
    }
  }

  private end(sessionId: string, line: ListenedLine): void {
    line.clips?.end();
    if (line.live.detector.state === 'escalated' && !this.closed) this.clearAlert(line, 'line ended during the IRS voice check: its alert goes');
    // A late frame of an ended line is ignored, not listened to afresh.
    this.lines.set(sessionId, { ignoredSince: this.now() });
  }

  /** Saves the libraries that learned something since their last save (several instances: the last save wins). */
  private async saveLibraries(): Promise<void> {
    for (const [destinationId, pending] of this.libraries) {
      try {
        const library = await pending;
        const state = stateOf(library);
        if (state === this.saved.get(destinationId)) continue;
        await library.save(this.libraryStore, destinationId);
        this.saved.set(destinationId, state);
      } catch (error) {
        this.options.log.warn({ err: error, destinationId }, 'loop library not saved');
      }
    }
  }
}

/** What a save would change: the positions held and whether the loop has come round. */
const stateOf = (library: LoopLibrary): string => `${library.size} ${library.mature}`;

/** Labelled recordings (μ-law) as the detector's known-prompt library. */
export function knownPromptsFrom(recordings: readonly LabelledRecording[]): KnownPromptLibrary {
  const library = new KnownPromptLibrary();
  for (const recording of recordings) library.addMuLaw(recording.label, recording.kind, recording.muLaw);
  return library;
}
