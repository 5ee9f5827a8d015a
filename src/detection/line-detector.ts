/**
 * One line's detector: frames in, decisions out. Runs every strategy on each 20 ms frame, integrates the
 * evidence, applies T1/T2 with hysteresis, and records the per-strategy evidence with every decision.
 * Manual confirmation always wins; a voice check escalates and is never confirmed by the machine.
 */
import { resolveDetectionConfig, type DetectionConfig } from './config.ts';
import { FingerprintStream } from './fingerprint-stream.ts';
import { EvidenceIntegrator, fuse } from './fusion.ts';
import { KnownPromptLibrary } from './known-prompts.ts';
import { LoopLibrary } from './loop-library.ts';
import { CallProgressStrategy } from './strategies/call-progress.ts';
import { KeywordStrategy } from './strategies/keywords.ts';
import { KnownPromptStrategy } from './strategies/known-prompt-match.ts';
import { LoopMatchStrategy } from './strategies/loop-match.ts';
import { SpeechMusicStrategy, round } from './strategies/speech-music.ts';
import type { DetectionDecision, DetectionEvent, LineState, ProgressSignal } from './types.ts';
import { WindowFeatures } from './window-features.ts';
import type { DetectionFeatures, LineDetector, LineDetectorOptions } from './index.ts';

const NONE: DetectionDecision[] = [];

export class LineDetectorImpl implements LineDetector {
  readonly config: DetectionConfig;
  private readonly stream: FingerprintStream;
  private readonly window: WindowFeatures;
  private readonly speech: SpeechMusicStrategy;
  readonly loop: LoopMatchStrategy;
  private readonly known: KnownPromptStrategy;
  private readonly progress: CallProgressStrategy;
  private readonly keywords: KeywordStrategy;
  private readonly integrator: EvidenceIntegrator;
  readonly library: LoopLibrary;
  private current: LineState = 'listening';
  private fused = 0;

  constructor(options: LineDetectorOptions) {
    const live = options.shadowOf instanceof LineDetectorImpl ? options.shadowOf : undefined;
    if (options.shadowOf && !live) throw new Error('shadowOf must be a detector made by createLineDetector');
    const config = live ? resolveDetectionConfig({ ...options.config, loop: { ...options.config?.loop, learn: false } }) : resolveDetectionConfig(options.config);
    this.config = config;
    this.stream = new FingerprintStream(config.speech.silenceRms);
    this.window = new WindowFeatures(config.speech.silenceRms);
    this.speech = new SpeechMusicStrategy(config.speech.silenceRms);
    this.library = live ? live.library : (options.loopLibrary ?? new LoopLibrary());
    this.loop = new LoopMatchStrategy(this.library, config.loop.matchThreshold, config.loop.minRepeatSeconds, config.loop.learn, config.speech.silenceRms, live?.loop.source);
    this.known = new KnownPromptStrategy(options.knownPrompts ?? new KnownPromptLibrary(), config.knownPrompts.matchThreshold);
    this.progress = new CallProgressStrategy(config.progress.waitForIvrDone, config.progress.settleMs);
    this.keywords = new KeywordStrategy(config.keywords.phrases, config.keywords.voiceCheckPhrases, config.keywords.holdMs);
    this.integrator = new EvidenceIntegrator(config);
  }

  get state(): LineState {
    return this.current;
  }

  get confidence(): number {
    return this.fused;
  }

  features(tMs: number): DetectionFeatures {
    return {
      t: round(tMs / 1000),
      state: this.current,
      confidence: round(this.fused),
      audio: round(this.integrator.level),
      speechProbability: round(this.speech.probability),
      sound: this.speech.sound,
      loopScore: round(this.loop.score),
      loopFastScore: round(this.loop.fastScore),
      loopAudio: this.loop.loopAudio,
      knownPromptScore: round(this.known.score),
      knownPrompt: this.known.prompt?.label ?? '',
      progressGate: round(this.progress.gate(tMs)),
      keywords: round(this.keywords.confidence(tMs)),
      libraryMature: this.library.mature,
      librarySize: this.library.size,
    };
  }

  pushFrame(pcm: Int16Array, tMs: number): DetectionDecision[] {
    this.stream.push(pcm);
    this.window.push(this.stream.frame);
    this.speech.update(this.stream.frame, this.window);
    const speechLike = this.speech.probability >= this.config.speech.speechProbability;
    const mode = this.current === 'listening' ? 'learn' : this.current === 'suspected' ? 'hold' : 'ignore';
    this.loop.update(pcm, this.stream.hasher, mode, speechLike);
    this.known.update(this.stream.hasher);

    if (this.current === 'confirmed') return NONE;
    if (this.known.voiceCheck && this.current !== 'escalated') return this.escalate(tMs, 'voice-check prompt');
    if (this.current === 'escalated') return NONE;

    const loopAudio = this.loop.loopAudio || this.known.recorded;
    const gate = this.progress.gate(tMs);
    this.integrator.step(speechLike && !loopAudio && gate > 0, loopAudio, this.stream.frame.rms < this.config.speech.silenceRms);
    return this.decide(tMs, gate);
  }

  signal(signal: ProgressSignal, tMs: number): DetectionDecision[] {
    this.progress.signal(signal, tMs);
    if (signal.kind === 'voice-check-done' && this.current === 'escalated') {
      this.current = 'listening';
      this.integrator.reset();
      return [this.decision(tMs, 'cleared', 0, { reason: 'voice check handled' })];
    }
    return this.current === 'listening' || this.current === 'suspected' ? this.decide(tMs, this.progress.gate(tMs)) : NONE;
  }

  transcript(text: string, tMs: number): DetectionDecision[] {
    this.keywords.transcript(text, tMs);
    if (this.current === 'confirmed') return NONE;
    if (this.keywords.voiceCheckHeard && this.current !== 'escalated') return this.escalate(tMs, 'voice-check phrase');
    if (this.current === 'escalated') return NONE;
    return this.decide(tMs, this.progress.gate(tMs));
  }

  confirmManually(by: string, tMs: number): DetectionDecision[] {
    if (this.current === 'confirmed') return NONE;
    this.current = 'confirmed';
    this.fused = 1;
    this.loop.dropPending();
    return [this.decision(tMs, 'confirmed', 1, { manual: { strategy: 'manual', confidence: 1, inputs: { by } } })];
  }

  private escalate(tMs: number, reason: string): DetectionDecision[] {
    this.current = 'escalated';
    this.integrator.reset();
    this.loop.commitPending();
    return [this.decision(tMs, 'escalated', this.fused, { reason })];
  }

  /** Applies T1/T2 with hysteresis to the fused confidence. */
  private decide(tMs: number, gate: number): DetectionDecision[] {
    const { suspectThreshold: t1, confirmThreshold: t2, hysteresis } = this.config;
    // Until the library has heard the loop come round, audio alone stops short of T2 (an unheard announcement
    // would otherwise be a person).
    const immature = this.config.loop.requireMatureLibrary && !this.library.mature;
    const audioCap = immature ? t1 + (t2 - t1) / 2 : 1;
    // Keywords count only while the audio is not a known recording or loop audio.
    const keywordConf = this.loop.loopAudio || this.known.recorded ? 0 : this.keywords.confidence(tMs);
    this.fused = fuse(this.config, { audio: this.integrator.level, audioCap, keywords: keywordConf, gate });

    if (this.current === 'listening' && this.fused >= t1) {
      this.current = 'suspected';
      const out = [this.decision(tMs, 'suspected', this.fused)];
      if (this.fused >= t2) out.push(this.confirm(tMs));
      return out;
    }
    if (this.current === 'suspected') {
      if (this.fused >= t2) return [this.confirm(tMs)];
      if (this.fused < t1 - hysteresis) {
        this.current = 'listening';
        this.loop.commitPending();
        return [this.decision(tMs, 'cleared', this.fused)];
      }
    }
    return NONE;
  }

  private confirm(tMs: number): DetectionDecision {
    this.current = 'confirmed';
    this.loop.dropPending();
    return this.decision(tMs, 'confirmed', this.fused);
  }

  private decision(tMs: number, event: DetectionEvent, confidence: number, extra: Record<string, unknown> = {}): DetectionDecision {
    const t = tMs;
    return {
      t: round(t / 1000),
      event,
      confidence: round(confidence),
      evidence: {
        speech: this.speech.evidence(this.window),
        loopMatch: this.loop.evidence(),
        knownPrompts: this.known.evidence(),
        progress: this.progress.evidence(t, this.speech.musicStoppedRecently),
        keywords: this.keywords.evidence(t),
        integration: { audio: round(this.integrator.level), fused: round(this.fused) },
        thresholds: {
          suspect: this.config.suspectThreshold,
          confirm: this.config.confirmThreshold,
          hysteresis: this.config.hysteresis,
        },
        ...extra,
      },
    };
  }
}
