/**
 * One call to the IRS line, played out on the simulator clock from its pre-drawn plan.
 *
 * Time rule (docs/simulator-line-model.md): model durations from the plan go through clock.toWall();
 * recordings last their real length; a phase that plays a recording and also has a model duration lasts
 * max(recording, toWall(model)); waits for the caller's reaction (IVR digit timeout, voice-check window)
 * and the agent's patience are real time too, because whoever must beat them - our engine, the operator,
 * the firm's person - acts in real time and knows nothing of SIM_TIME_SCALE.
 */
import type { SimClock } from '../sim-clock.ts';
import { agentVoiceOf, varyVoice } from './audio/agent-voice.ts';
import { AudioTrack, type AudioProgram } from './audio/audio-track.ts';
import { SAMPLES_PER_MS, msToSamples } from './audio/constants.ts';
import type { FixtureLibrary } from './audio/fixture-library.ts';
import { beepTone, busyTone, clickSound, comfortNoise, ringbackTone, silence } from './audio/tones.ts';
import type { CallPlan } from './call-plan.ts';
import type { HoldLoop, HoldLoopSegment } from './hold-loop.ts';
import { IVR_GREETING_FIXTURES } from './ivr-script.ts';
import type { HangupReason, LineEvent, LinePhase, TimelineEntry } from './line-events.ts';
import type { IvrOption, Scenario } from './scenario.ts';
import { VOICE_CHECK_FAILED_FIXTURE, VOICE_CHECK_THANKS_FIXTURE } from './voice-check-prompts.ts';
import { CallerSpeech } from './caller-speech.ts';

/** What a call needs from its LineModel. */
export interface CallContext {
  clock: SimClock;
  scenario: Scenario;
  fixtures: FixtureLibrary;
  /** The destination's shared hold loop (built on first use). */
  holdLoop: () => HoldLoop;
}

type Listener = (e: LineEvent) => void;
interface TimerHandle {
  cancel: () => void;
}

const DTMF = /^[0-9*#]*$/;
const TERMINAL: ReadonlySet<LinePhase> = new Set(['busy', 'no-answer', 'ended']);
const CUE_EVENTS: Partial<Record<HoldLoopSegment['kind'], string>> = {
  announcement: 'announcement',
  ringback: 'hold-ringback',
  gap: 'hold-silence-gap',
};

function audioMs(parts: readonly Uint8Array[]): number {
  return parts.reduce((sum, p) => sum + p.length, 0) / SAMPLES_PER_MS;
}

export class LineCall {
  readonly callKey: string;
  readonly toNumber: string;
  readonly plan: CallPlan;

  private readonly ctx: CallContext;
  private readonly clock: SimClock;
  private readonly dialWall: number;
  private readonly track = new AudioTrack();
  private readonly listeners = new Set<Listener>();
  private readonly entries: TimelineEntry[] = [];
  private readonly timers = new Set<TimerHandle>();
  private readonly queue: LineEvent[] = [];
  private flushing = false;
  /** Set by callerHangup: no event is delivered after it. */
  private silenced = false;

  private current: LinePhase = 'ringing';
  private started = false;
  private proceeded = false;
  // IVR state.
  private ivrState: 'greeting' | 'menu' | 'closing' | null = null;
  private menuIndex = 0;
  private menuAttempt = 0;
  private menuTimer: (() => void) | null = null;
  private readonly typeAhead: string[] = [];
  // Voice check / agent state.
  private voiceCheckWaiting = false;
  /** The caller's speech after the voice check's beep (wall ms), while the check waits for it. */
  private callerSpeech: CallerSpeech | null = null;
  private voiceCheckListensFrom = 0;
  private deadAirTimers: (() => void)[] = [];

  constructor(callKey: string, toNumber: string, plan: CallPlan, ctx: CallContext) {
    this.callKey = callKey;
    this.toNumber = toNumber;
    this.plan = plan;
    this.ctx = ctx;
    this.clock = ctx.clock;
    this.dialWall = this.clock.now();
    this.track.push(this.dialWall, { tail: silence() });
    this.record('dialed', 'caller', { toNumber, outcome: plan.outcome });
  }

  get phase(): LinePhase {
    return this.current;
  }

  /** True once the call is over (busy, no answer, or hung up by either side). */
  get over(): boolean {
    return TERMINAL.has(this.current);
  }

  on(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  timeline(): TimelineEntry[] {
    return this.entries.map((e) => ({ ...e, ...(e.detail ? { detail: { ...e.detail } } : {}) }));
  }

  readAudio(fromWallMs: number, frames: number): Uint8Array {
    return this.track.read(fromWallMs, frames);
  }

  start(): void {
    if (this.started || this.over) return;
    this.started = true;
    const { network } = this.plan;
    this.after(this.model(network.postDialDelayModelMs), () => {
      this.proceeding();
      this.after(this.model(network.ringModelMs), () => {
        if (network.result === 'busy') {
          this.play({ tail: busyTone() });
          this.record('busy', 'irs');
          this.emit({ type: 'busy' });
          this.setPhase('busy');
        } else if (network.result === 'no-answer') {
          this.play({ tail: silence() });
          this.record('no-answer', 'irs');
          this.emit({ type: 'no-answer' });
          this.setPhase('no-answer');
        } else this.answer();
      });
    });
  }

  sendDtmf(digits: string): void {
    if (!DTMF.test(digits)) throw new RangeError(`DTMF digits must be 0-9, * or #; got "${digits}"`);
    // The IVR listens during its menus, and during the greeting only if it keeps typed-ahead digits.
    const listening =
      this.current === 'ivr' &&
      (this.ivrState === 'menu' || (this.ivrState === 'greeting' && this.ctx.scenario.ivr.typeAhead));
    this.record('dtmf', 'caller', listening ? { digits } : { digits, ignored: true, phase: this.current });
    if (!listening) return;
    for (const digit of digits) {
      if (this.ivrState === 'menu') this.takeDigit(digit, false);
      else if (this.ivrState === 'greeting') this.typeAhead.push(digit);
    }
    this.flush();
  }

  /**
   * The caller answers the voice check. `via`: 'speech' when the caller's own audio carried it (hearCaller),
   * 'control-api' when a test or demo answered for the operator (`POST /_sim/calls/{id}/voice-check-answer`).
   */
  answerVoiceCheck(via: 'speech' | 'control-api' = 'control-api', detail: Record<string, unknown> = {}): void {
    if (this.current !== 'voice-check' || !this.voiceCheckWaiting) {
      this.record('voice-check-answered', 'caller', { ignored: true, phase: this.current, via });
      return;
    }
    this.cancelAll();
    this.voiceCheckWaiting = false;
    this.callerSpeech = null;
    this.record('voice-check-answered', 'caller', { via, ...detail });
    const thanks = this.fixture(VOICE_CHECK_THANKS_FIXTURE);
    this.play({ once: [thanks], tail: silence() });
    this.after(audioMs([thanks]), () => this.startHold(false));
    this.flush();
  }

  /**
   * What the caller's device sends, decoded to 8 kHz linear (the SIP leg's uplink RTP). Only the voice check
   * listens: speech after its beep and inside its window answers it. Anything else the caller says is not heard.
   */
  hearCaller(pcm: Int16Array): void {
    const speech = this.callerSpeech;
    if (!speech || this.current !== 'voice-check' || !this.voiceCheckWaiting) return;
    const now = this.clock.now();
    if (now < this.voiceCheckListensFrom) return;
    if (speech.push(pcm)) {
      this.answerVoiceCheck('speech', { voicedMs: speech.voicedMs, afterBeepMs: Math.round(now - this.voiceCheckListensFrom) });
    }
  }

  transfer(target: string): void {
    this.record('transfer-received', 'caller', { target, phase: this.current });
    if (this.current === 'agent') this.setPhase('transferred');
    this.flush();
  }

  firmAnswered(): void {
    const live = this.current === 'agent' || this.current === 'transferred';
    this.record('firm-answered', 'caller', live ? undefined : { ignored: true, phase: this.current });
    if (!live) return;
    for (const cancel of this.deadAirTimers) cancel();
    this.deadAirTimers = [];
  }

  callerHangup(): void {
    if (this.current === 'ended') return;
    this.silenced = true;
    this.queue.length = 0;
    this.cancelAll();
    this.current = 'ended';
    this.play({ tail: silence() });
    this.record('hangup', 'caller', {});
  }

  forcePickup(): void {
    const from = this.current;
    const applies = from === 'ringing' || from === 'ivr' || from === 'voice-check' || from === 'hold';
    this.record('force-pickup', 'simulator', applies ? { phase: from } : { phase: from, ignored: true });
    if (!applies) return;
    if (from === 'ringing') {
      this.started = true;
      this.cancelAll();
      if (!this.proceeded) this.proceeding();
      this.record('answered', 'irs', { forced: true });
      this.emit({ type: 'answered' });
    }
    if (from !== 'hold') this.startHold(true);
    this.agentPickup(true);
    this.flush();
  }

  forceDisconnect(): void {
    if (this.over) {
      this.record('force-disconnect', 'simulator', { ignored: true, phase: this.current });
      return;
    }
    this.record('force-disconnect', 'simulator', { phase: this.current });
    this.irsHangup('forced');
    this.flush();
  }

  // --- the call's course -------------------------------------------------------------------------

  private proceeding(): void {
    this.proceeded = true;
    this.play({ tail: ringbackTone() });
    this.record('proceeding', 'irs');
    this.emit({ type: 'proceeding' });
  }

  private answer(): void {
    this.record('answered', 'irs');
    this.emit({ type: 'answered' });
    if (!this.plan.calendar.open) this.closingMessage('closed-message', 'closed-message', 'closed');
    else if (this.plan.courtesy.disconnect) {
      this.closingMessage('courtesy-message', 'courtesy-message', 'courtesy-disconnect');
    }
    else this.startIvr();
  }

  /** A recording (closed office, too busy), then the IRS hangs up. */
  private closingMessage(phase: 'closed-message' | 'courtesy-message', fixtureId: string, reason: HangupReason): void {
    const audio = this.fixture(fixtureId);
    this.play({ once: [audio], tail: silence() });
    this.record(phase, 'irs', { fixture: fixtureId });
    this.setPhase(phase);
    this.hangupAfter(audioMs([audio]), reason);
  }

  private hangupAfter(audioLengthMs: number, reason: HangupReason): void {
    this.after(audioLengthMs + this.model(this.ctx.scenario.courtesy.hangupAfterMessageModelMs), () =>
      this.irsHangup(reason),
    );
  }

  private startIvr(): void {
    const parts = IVR_GREETING_FIXTURES.map((id) => this.fixture(id));
    this.play({ once: parts, tail: silence() });
    this.ivrState = 'greeting';
    this.record('ivr-started', 'irs', { greetingModelMs: this.plan.ivr.greetingModelMs });
    this.setPhase('ivr');
    this.after(Math.max(audioMs(parts), this.model(this.plan.ivr.greetingModelMs)), () => this.enterMenu(0, 0));
  }

  /** Plays menu `index` (attempt 0 = first play), unless a typed-ahead digit answers it at once. */
  private enterMenu(index: number, attempt: number, prefix?: Uint8Array): void {
    this.menuTimer?.();
    this.menuTimer = null;
    this.ivrState = 'menu';
    this.menuIndex = index;
    this.menuAttempt = attempt;
    const buffered = this.typeAhead.shift();
    if (buffered !== undefined) {
      this.takeDigit(buffered, true);
      return;
    }
    const menu = this.menu();
    const parts = [...(prefix ? [prefix] : []), this.fixture(menu.promptFixture)];
    this.play({ once: parts, tail: silence() });
    this.record('ivr-menu', 'irs', { menu: menu.id, attempt });
    this.menuTimer = this.after(audioMs(parts) + menu.timeoutMs, () => {
      this.menuTimer = null;
      this.record('ivr-no-input', 'irs', { menu: menu.id, attempt });
      this.menuFailed();
    });
  }

  private takeDigit(digit: string, fromTypeAhead: boolean): void {
    this.menuTimer?.();
    this.menuTimer = null;
    const menu = this.menu();
    const option = menu.options.find((o) => o.digit === digit);
    const result = option ? 'accepted' : digit === menu.repeatDigit ? 'repeat' : 'invalid';
    const label = option ? { label: option.label } : {};
    this.record('ivr-input', 'caller', { menu: menu.id, digit, result, fromTypeAhead, ...label });
    if (option) {
      if (option.next === 'queue') this.ivrCompleted(option);
      else this.enterMenu(this.menuIndexOf(option.next), 0);
    } else if (result === 'repeat') this.enterMenu(this.menuIndex, this.menuAttempt);
    else this.menuFailed(this.fixture(this.ctx.scenario.ivr.invalidFixture));
  }

  /** A timeout or a wrong digit: replay the menu, or after its repeats say goodbye and hang up. */
  private menuFailed(prefix?: Uint8Array): void {
    const menu = this.menu();
    if (this.menuAttempt < menu.repeats) {
      this.enterMenu(this.menuIndex, this.menuAttempt + 1, prefix);
      return;
    }
    this.ivrState = 'closing';
    this.typeAhead.length = 0;
    const goodbye = this.fixture(this.ctx.scenario.ivr.goodbyeFixture);
    this.play({ once: [goodbye], tail: silence() });
    this.record('ivr-failed', 'irs', { menu: menu.id });
    this.hangupAfter(audioMs([goodbye]), 'ivr-timeout');
  }

  private ivrCompleted(option: IvrOption): void {
    this.ivrState = null;
    this.typeAhead.length = 0;
    this.record('ivr-completed', 'irs', { route: option.label });
    if (this.plan.voiceCheck) this.startVoiceCheck();
    else this.startHold(false);
  }

  private startVoiceCheck(): void {
    const vc = this.plan.voiceCheck;
    if (!vc) return;
    const parts = [this.fixture(vc.fixture), beepTone()];
    this.play({ once: parts, tail: silence() });
    this.voiceCheckWaiting = true;
    // The answer counts from the end of the beep, as the prompt asks ("after the tone").
    this.callerSpeech = new CallerSpeech();
    this.voiceCheckListensFrom = this.clock.now() + audioMs(parts);
    this.record('voice-check', 'irs', {
      kind: vc.kind,
      prompt: vc.prompt,
      expectedAnswer: vc.expectedAnswer,
      listensFromAt: this.voiceCheckListensFrom,
      responseWindowMs: vc.responseWindowMs,
    });
    this.emit({ type: 'voice-check', kind: vc.kind, prompt: vc.prompt, expectedAnswer: vc.expectedAnswer });
    this.setPhase('voice-check');
    this.after(audioMs(parts) + vc.responseWindowMs, () => {
      const heard = this.callerSpeech;
      this.voiceCheckWaiting = false;
      this.callerSpeech = null;
      const failed = this.fixture(VOICE_CHECK_FAILED_FIXTURE);
      this.play({ once: [failed], tail: silence() });
      this.record('voice-check-failed', 'irs', { heardMs: heard?.heardMs ?? 0, voicedMs: heard?.voicedMs ?? 0 });
      this.hangupAfter(audioMs([failed]), 'voice-check-failed');
    });
  }

  /** Queue for an assistor. `forced`: the control API skips here only to pick up at once. */
  private startHold(forced: boolean): void {
    this.cancelAll();
    this.ivrState = null;
    this.voiceCheckWaiting = false;
    this.callerSpeech = null;
    const loop = this.ctx.holdLoop();
    const offsetMs = this.plan.hold.loopOffsetMs % loop.durationMs;
    this.play({ tail: loop.audio, tailOffset: msToSamples(offsetMs) });
    const { durationModelMs, dropAtModelMs } = this.plan.hold;
    const detail = { durationModelMs, dropAtModelMs, loopOffsetMs: offsetMs, ...(forced ? { forced } : {}) };
    this.record('hold-start', 'irs', detail);
    this.setPhase('hold');
    if (forced) return;
    this.scheduleLoopCues(loop, offsetMs);
    if (dropAtModelMs !== null) this.after(this.model(dropAtModelMs), () => this.irsHangup('hold-drop'));
    else this.after(this.model(durationModelMs), () => this.agentPickup(false));
  }

  /** Timeline entries for the loop's announcements and false cues as this call hears them. */
  private scheduleLoopCues(loop: HoldLoop, offsetMs: number): void {
    const cues = loop.segments.filter((s) => CUE_EVENTS[s.kind]);
    if (cues.length === 0) return;
    let index = cues.findIndex((c) => c.startMs >= offsetMs);
    let delay = index >= 0 ? (cues[index] as HoldLoopSegment).startMs - offsetMs : 0;
    if (index < 0) {
      index = 0;
      delay = loop.durationMs - offsetMs + (cues[0] as HoldLoopSegment).startMs;
    }
    const fire = (i: number, wait: number) => {
      this.after(wait, () => {
        const cue = cues[i] as HoldLoopSegment;
        this.record(CUE_EVENTS[cue.kind] as string, 'irs', {
          loopMs: cue.startMs,
          durationMs: cue.durationMs,
          ...(cue.fixture ? { fixture: cue.fixture, lang: cue.lang } : {}),
        });
        const next = (i + 1) % cues.length;
        let gap = (cues[next] as HoldLoopSegment).startMs - cue.startMs;
        if (gap <= 0) gap += loop.durationMs;
        fire(next, gap);
      });
    };
    fire(index, delay);
  }

  private agentPickup(forced: boolean): void {
    this.cancelAll();
    const a = this.plan.agent;
    // The call's agent speaks with a variation of their own: two calls never carry identical audio.
    const voice = agentVoiceOf(this.plan);
    const greeting = varyVoice(this.fixture(a.greetingFixture), voice);
    const gap = msToSamples(a.preGreetingGapMs);
    const click = clickSound();
    const lead = a.click
      ? [click, silence().subarray(0, Math.max(0, gap - click.length))]
      : [silence().subarray(0, gap)];
    this.play({ once: [...lead, greeting], tail: comfortNoise() });
    const now = this.clock.now();
    const greetingStart = now + audioMs(lead);
    const greetingEnd = greetingStart + audioMs([greeting]);
    this.record('agent-pickup', 'irs', {
      agentName: a.name,
      agentId: a.employeeId,
      click: a.click,
      greetingStartAt: greetingStart,
      greetingEndAt: greetingEnd,
      ...(forced ? { forced } : {}),
    });
    this.emit({ type: 'agent-pickup', agentName: a.name, agentId: a.employeeId });
    this.setPhase('agent');
    // The agent's patience runs from the end of the greeting; only firmAnswered() stops it.
    const sinceGreeting = greetingEnd - now;
    this.deadAirTimers = [
      this.after(sinceGreeting + a.helloAfterMs, () => {
        const hello = varyVoice(this.fixture(a.helloFixture), voice);
        this.play({ once: [hello], tail: comfortNoise() });
        this.record('agent-hello', 'irs');
      }),
      this.after(sinceGreeting + a.deadAirHangupMs, () => this.irsHangup('dead-air')),
    ];
  }

  private irsHangup(reason: HangupReason): void {
    if (this.current === 'ended') return;
    this.cancelAll();
    this.ivrState = null;
    this.voiceCheckWaiting = false;
    this.callerSpeech = null;
    this.play({ tail: silence() });
    this.record('hangup', 'irs', { reason });
    this.emit({ type: 'hangup', by: 'irs', reason });
    this.setPhase('ended');
  }

  // --- plumbing ----------------------------------------------------------------------------------

  private menu() {
    return this.ctx.scenario.ivr.menus[this.menuIndex] ?? this.fail(`no IVR menu #${this.menuIndex}`);
  }

  private menuIndexOf(id: string): number {
    const index = this.ctx.scenario.ivr.menus.findIndex((m) => m.id === id);
    return index >= 0 ? index : this.fail(`IVR option leads to unknown menu "${id}"`);
  }

  private fail(message: string): never {
    throw new Error(`${message} (scenario ${this.ctx.scenario.name})`);
  }

  private fixture(id: string): Uint8Array {
    return this.ctx.fixtures.get(id).audio;
  }

  /** Wall ms of a model duration. */
  private model(modelMs: number): number {
    return this.clock.toWall(modelMs);
  }

  private play(program: AudioProgram): void {
    this.track.push(this.clock.now(), program);
  }

  private setPhase(phase: LinePhase): void {
    if (phase === this.current) return;
    this.current = phase;
    this.record('phase', 'irs', { phase });
    this.emit({ type: 'phase', phase });
  }

  private record(event: string, by?: TimelineEntry['by'], detail?: Record<string, unknown>): void {
    const at = this.clock.now();
    this.entries.push({
      at,
      modelAt: Math.round((at - this.dialWall) * this.clock.timeScale),
      event,
      ...(by ? { by } : {}),
      ...(detail ? { detail } : {}),
    });
  }

  /** Queues an event; it is delivered by flush() once the state change that caused it is complete. */
  private emit(event: LineEvent): void {
    if (!this.silenced) this.queue.push(event);
  }

  /**
   * Delivers queued events in order. Listeners may call back into the call (hang up, press keys): the
   * state is already consistent, and events they cause are queued behind the current ones.
   */
  private flush(): void {
    if (this.flushing) return;
    this.flushing = true;
    try {
      for (let event = this.queue.shift(); event && !this.silenced; event = this.queue.shift()) {
        for (const listener of [...this.listeners]) {
          try {
            listener(event);
          } catch (err) {
            // A faulty listener must not break the call's course; surface its error asynchronously.
            queueMicrotask(() => {
              throw err;
            });
          }
        }
      }
    } finally {
      this.queue.length = 0;
      this.flushing = false;
    }
  }

  /** Runs `fn` after `wallMs`, then delivers the events it queued. Returns a cancel function. */
  private after(wallMs: number, fn: () => void): () => void {
    const handle: TimerHandle = { cancel: () => {} };
    handle.cancel = this.clock.setTimer(() => {
      this.timers.delete(handle);
      fn();
      this.flush();
    }, wallMs);
    this.timers.add(handle);
    return () => {
      this.timers.delete(handle);
      handle.cancel();
    };
  }

  private cancelAll(): void {
    for (const t of this.timers) t.cancel();
    this.timers.clear();
    this.menuTimer = null;
    this.deadAirTimers = [];
  }
}
