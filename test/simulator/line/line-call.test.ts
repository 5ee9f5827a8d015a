import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/simulator/sim-clock.ts';
import { loadFixtures } from '../../../src/simulator/line/audio/fixture-library.ts';
import { LineModel, muLawRms, scenarios, type LineCall } from '../../../src/simulator/line/index.ts';
import { PPS, T0, collect, entry, findKey, mvpScript, setup, types } from './helpers.ts';

const MIN = 60_000;
const fixtures = loadFixtures();
const ms = (id: string) => fixtures.get(id).durationMs;

function at(call: LineCall, event: string): number {
  const e = entry(call, event);
  if (!e) throw new Error(`no "${event}" in the timeline`);
  return e.at;
}

function hangupReason(call: LineCall): unknown {
  return call.timeline().find((t) => t.event === 'hangup')?.detail?.reason;
}

describe('a call that reaches an agent (fast-agent)', () => {
  it('rings, answers, takes 1 then 2, holds 1-3 min and picks up with a greeting', () => {
    const { clock, model } = setup('fast-agent');
    const call = model.dial(findKey(model, (p) => p.outcome === 'agent'), PPS);
    const events = collect(call, clock);
    mvpScript(call, clock);
    call.start();
    expect(call.phase).toBe('ringing');
    clock.advance(8 * MIN);
    expect(types(events)).toEqual([
      'proceeding',
      'answered',
      'phase:ivr',
      'phase:hold',
      'agent-pickup',
      'phase:agent',
      'hangup',
      'phase:ended',
    ]);
    const pickup = events.find(({ e }) => e.type === 'agent-pickup')?.e;
    expect(pickup).toEqual({ type: 'agent-pickup', agentName: call.plan.agent.name, agentId: call.plan.agent.employeeId });
    const held = at(call, 'agent-pickup') - at(call, 'hold-start');
    expect(held).toBe(call.plan.hold.durationModelMs);
    expect(held).toBeGreaterThanOrEqual(1 * MIN);
    expect(held).toBeLessThanOrEqual(3 * MIN);
    expect(hangupReason(call)).toBe('dead-air');
    expect(call.phase).toBe('ended');
    const inputs = call.timeline().filter((t) => t.event === 'ivr-input').map((t) => t.detail);
    expect(inputs).toMatchObject([
      { menu: 'account-type', digit: '1', result: 'accepted', fromTypeAhead: true },
      { menu: 'topic', digit: '2', result: 'accepted', fromTypeAhead: false },
    ]);
  });

  it('runs model durations time-scaled but recordings at their own pace', () => {
    const { clock, model } = setup('fast-agent', 7, 60);
    const call = model.dial(findKey(model, (p) => p.outcome === 'agent'), PPS);
    call.on((e) => e.type === 'answered' && call.sendDtmf('12'));
    call.start();
    clock.advance(2 * MIN);
    const greetingWall = at(call, 'ivr-completed') - at(call, 'answered');
    // Greeting + disclosures last their recordings (~25 s), not 25-45 s / 60.
    expect(greetingWall).toBeCloseTo(ms('ivr-greeting') + ms('ivr-disclosures'), 3);
    // The hold (model time) lasts 1/60 on the wall clock; the timeline's modelAt shows model time.
    const held = at(call, 'agent-pickup') - at(call, 'hold-start');
    expect(held).toBeCloseTo(call.plan.hold.durationModelMs / 60, 3);
    const modelHeld = (entry(call, 'agent-pickup')?.modelAt ?? 0) - (entry(call, 'hold-start')?.modelAt ?? 0);
    expect(Math.abs(modelHeld - call.plan.hold.durationModelMs)).toBeLessThanOrEqual(1);
  });
});

describe('time scale', () => {
  it('lets a real-time caller script (1 at once, 2 after 45 wall seconds) reach hold at SIM_TIME_SCALE 60', () => {
    const { clock, model } = setup('fast-agent', 7, 60);
    const call = model.dial(findKey(model, (p) => p.outcome === 'agent'), PPS);
    call.on((e) => {
      if (e.type !== 'answered') return;
      call.sendDtmf('1');
      clock.setTimer(() => call.sendDtmf('2'), 45_000); // the engine's own wall clock, unaware of the scale
    });
    call.start();
    clock.advance(MIN);
    // Menu 2 waited for the digit 10 s per attempt after its prompt (unscaled), so the 2 arrived in time.
    const input = call.timeline().filter((t) => t.event === 'ivr-input').at(-1);
    expect(input?.detail).toMatchObject({ menu: 'topic', digit: '2', result: 'accepted' });
    expect((input?.at ?? 0) - at(call, 'answered')).toBe(45_000);
    expect(entry(call, 'hold-start')).toBeDefined();
    expect(hangupReason(call)).not.toBe('ivr-timeout');
  });
});

describe('IVR', () => {
  function inIvr() {
    const { clock, model } = setup('fast-agent');
    const call = model.dial(findKey(model, (p) => p.outcome === 'agent'), PPS);
    const events = collect(call, clock);
    call.start();
    clock.advance(call.plan.network.postDialDelayModelMs + call.plan.network.ringModelMs);
    expect(call.phase).toBe('ivr');
    clock.advance(Math.max(ms('ivr-greeting') + ms('ivr-disclosures'), call.plan.ivr.greetingModelMs));
    expect(entry(call, 'ivr-menu')?.detail).toEqual({ menu: 'account-type', attempt: 0 });
    return { clock, call, events };
  }

  it('replays a menu after a wrong digit, then accepts the right ones', () => {
    const { clock, call } = inIvr();
    clock.advance(2000);
    call.sendDtmf('7');
    const menus = call.timeline().filter((t) => t.event === 'ivr-menu');
    expect(menus.at(-1)?.detail).toEqual({ menu: 'account-type', attempt: 1 });
    expect(call.timeline().find((t) => t.event === 'ivr-input')?.detail).toMatchObject({ digit: '7', result: 'invalid' });
    // The replay starts with "Sorry, that is not a valid entry."
    const sorry = fixtures.get('ivr-invalid').audio;
    expect(Buffer.from(call.readAudio(clock.now(), 10)).equals(sorry.subarray(0, 1600))).toBe(true);
    call.sendDtmf('1');
    clock.advance(1000);
    call.sendDtmf('9'); // repeat the topic menu: not a failed attempt
    expect(call.timeline().filter((t) => t.event === 'ivr-menu').at(-1)?.detail).toEqual({ menu: 'topic', attempt: 0 });
    call.sendDtmf('2');
    expect(call.phase).toBe('hold');
  });

  it('hangs up after the menu and its two repeats time out', () => {
    const { clock, call, events } = inIvr();
    const firstMenu = at(call, 'ivr-menu');
    clock.advance(5 * MIN);
    const menus = call.timeline().filter((t) => t.event === 'ivr-menu');
    expect(menus.map((m) => m.detail?.attempt)).toEqual([0, 1, 2]);
    expect(entry(call, 'ivr-failed')).toBeDefined();
    expect(events.at(-2)?.e).toEqual({ type: 'hangup', by: 'irs', reason: 'ivr-timeout' });
    const expected =
      3 * (ms('ivr-menu-account-type') + 10_000) +
      ms('ivr-goodbye') +
      scenarios['fast-agent'].courtesy.hangupAfterMessageModelMs;
    expect(at(call, 'hangup') - firstMenu).toBeCloseTo(expected, 3);
  });

  it('throws on characters that are not DTMF and ignores digits outside the IVR', () => {
    const { call } = inIvr();
    expect(() => call.sendDtmf('1a')).toThrow(RangeError);
    call.forceDisconnect();
    call.sendDtmf('5');
    expect(call.timeline().at(-1)).toMatchObject({ event: 'dtmf', detail: { digits: '5', ignored: true } });
  });
});

describe('calls that never reach hold', () => {
  it('all-busy: proceeding then busy, with a busy tone', () => {
    const { clock, model } = setup('all-busy');
    const call = model.dial('busy-1', PPS);
    const events = collect(call, clock);
    call.start();
    clock.advance(10_000);
    expect(types(events)).toEqual(['proceeding', 'busy', 'phase:busy']);
    expect(call.phase).toBe('busy');
    expect(muLawRms(call.readAudio(clock.now() - 500, 10))).toBeGreaterThan(500);
    call.callerHangup();
    expect(call.phase).toBe('ended');
    expect(events).toHaveLength(3);
  });

  it('closed: the closed-office recording, then the IRS hangs up', () => {
    const { clock, model } = setup('closed');
    const call = model.dial(findKey(model, (p) => p.network.result === 'answer'), PPS);
    const events = collect(call, clock);
    call.start();
    clock.advance(MIN);
    expect(types(events)).toEqual(['proceeding', 'answered', 'phase:closed-message', 'hangup', 'phase:ended']);
    expect(hangupReason(call)).toBe('closed');
    expect(at(call, 'hangup') - at(call, 'answered')).toBeCloseTo(ms('closed-message') + 500, 3);
    expect(muLawRms(call.readAudio(at(call, 'answered') + 1000, 50))).toBeGreaterThan(500);
  });

  it('courtesy disconnect: the too-busy recording, then the IRS hangs up', () => {
    const { clock, model } = setup('peak');
    const call = model.dial(findKey(model, (p) => p.outcome === 'courtesy-disconnect'), PPS);
    call.start();
    clock.advance(MIN);
    expect(call.timeline().map((t) => t.event)).toContain('courtesy-message');
    expect(hangupReason(call)).toBe('courtesy-disconnect');
  });

  it('hold drop: the IRS hangs up during hold at the planned time', () => {
    const { clock, model } = setup('peak');
    const call = model.dial(findKey(model, (p) => p.outcome === 'hold-drop'), PPS);
    call.on((e) => e.type === 'answered' && call.sendDtmf('12'));
    call.start();
    clock.advance(5 * 60 * MIN);
    expect(hangupReason(call)).toBe('hold-drop');
    expect(at(call, 'hangup') - at(call, 'hold-start')).toBe(call.plan.hold.dropAtModelMs);
  });
});

describe('voice check', () => {
  function toVoiceCheck() {
    const { clock, model } = setup('voice-check');
    const call = model.dial(findKey(model, (p) => p.outcome === 'agent'), PPS);
    const events = collect(call, clock);
    call.on((e) => e.type === 'answered' && call.sendDtmf('12'));
    return { clock, call, events };
  }

  it('hangs up with "we could not verify" when nobody answers', () => {
    const { clock, call, events } = toVoiceCheck();
    call.start();
    clock.advance(3 * MIN);
    const vc = call.plan.voiceCheck;
    expect(vc).not.toBeNull();
    expect(events.map(({ e }) => e)).toContainEqual({
      type: 'voice-check',
      kind: vc?.kind,
      prompt: vc?.prompt,
      expectedAnswer: vc?.expectedAnswer,
    });
    expect(types(events).slice(-4)).toEqual(['voice-check', 'phase:voice-check', 'hangup', 'phase:ended']);
    expect(hangupReason(call)).toBe('voice-check-failed');
    const waited = at(call, 'voice-check-failed') - at(call, 'voice-check');
    expect(waited).toBeCloseTo(ms(vc?.fixture ?? '') + 300 + 5000, 3);
  });

  it('continues to hold when the operator answers', () => {
    const { clock, call, events } = toVoiceCheck();
    call.on((e) => e.type === 'voice-check' && call.answerVoiceCheck());
    call.start();
    clock.advance(2 * MIN);
    expect(entry(call, 'voice-check-answered')?.by).toBe('caller');
    expect(call.phase).toBe('hold');
    expect(types(events)).not.toContain('hangup');
    clock.advance(5 * 60 * MIN);
    expect(types(events)).toContain('agent-pickup');
  });
});

describe('after the agent picks up', () => {
  function toAgent(onPickup: (call: LineCall, clock: ManualClock) => void) {
    const { clock, model } = setup('fast-agent');
    const call = model.dial(findKey(model, (p) => p.outcome === 'agent'), PPS);
    const events = collect(call, clock);
    call.on((e) => e.type === 'answered' && call.sendDtmf('12'));
    call.on((e) => e.type === 'agent-pickup' && onPickup(call, clock));
    call.start();
    clock.advance(5 * MIN);
    return { clock, call, events };
  }

  it('a transfer nobody answers ends in "Hello? Is anyone there?" and a dead-air hang-up', () => {
    const { call, events } = toAgent((c) => c.transfer('+15550001111'));
    expect(types(events).slice(-5)).toEqual(['agent-pickup', 'phase:agent', 'phase:transferred', 'hangup', 'phase:ended']);
    const greetingEnd = entry(call, 'agent-pickup')?.detail?.greetingEndAt as number;
    expect(at(call, 'agent-hello') - greetingEnd).toBe(5000);
    expect(at(call, 'hangup') - greetingEnd).toBe(call.plan.agent.deadAirHangupMs);
    expect(hangupReason(call)).toBe('dead-air');
    expect(entry(call, 'transfer-received')?.detail).toEqual({ target: '+15550001111', phase: 'agent' });
  });

  it('no dead-air hang-up once the firm answers', () => {
    const { clock, call, events } = toAgent((c, clk) => {
      c.transfer('+15550001111');
      clk.setTimer(() => c.firmAnswered(), 3000);
    });
    clock.advance(60 * MIN);
    expect(call.phase).toBe('transferred');
    expect(types(events)).not.toContain('hangup');
    expect(entry(call, 'firm-answered')?.by).toBe('caller');
  });

  it('the greeting follows a click or a short silence after the music stops', () => {
    const { call } = toAgent(() => {});
    const pickup = entry(call, 'agent-pickup');
    const start = pickup?.detail?.greetingStartAt as number;
    expect(start - (pickup?.at ?? 0)).toBe(call.plan.agent.preGreetingGapMs);
    expect(muLawRms(call.readAudio(start + 500, 50))).toBeGreaterThan(500); // the greeting
    expect(muLawRms(call.readAudio((pickup?.at ?? 0) - 1000, 50))).toBeGreaterThan(500); // the hold loop
  });
});

describe('control and hang-up', () => {
  it('callerHangup stops everything: no events, silence', () => {
    const { clock, model } = setup('fast-agent');
    const call = model.dial(findKey(model, (p) => p.outcome === 'agent'), PPS);
    const events = collect(call, clock);
    call.on((e) => e.type === 'answered' && call.sendDtmf('12'));
    call.start();
    clock.advance(60_000);
    expect(call.phase).toBe('hold');
    const seen = events.length;
    call.callerHangup();
    const timeline = call.timeline();
    expect(timeline.at(-1)).toMatchObject({ event: 'hangup', by: 'caller' });
    clock.advance(5 * 60 * MIN);
    expect(events).toHaveLength(seen);
    expect(call.timeline()).toEqual(timeline);
    expect(call.phase).toBe('ended');
    expect(call.readAudio(clock.now() - 1000, 50).every((b) => b === 0xff)).toBe(true);
  });

  it('a listener that hangs up on pickup gets no further events', () => {
    const { clock, model } = setup('fast-agent');
    const call = model.dial(findKey(model, (p) => p.outcome === 'agent'), PPS);
    const events = collect(call, clock);
    call.on((e) => e.type === 'answered' && call.sendDtmf('12'));
    call.on((e) => e.type === 'agent-pickup' && call.callerHangup());
    call.start();
    clock.advance(10 * MIN);
    expect(types(events).at(-1)).toBe('agent-pickup');
  });

  it('forcePickup skips from the IVR through hold to the agent; forceDisconnect hangs up', () => {
    const { clock, model } = setup('default');
    const call = model.dial(findKey(model, (p) => p.outcome === 'agent'), PPS);
    const events = collect(call, clock);
    call.start();
    clock.advance(15_000);
    expect(call.phase).toBe('ivr');
    call.forcePickup();
    expect(types(events).slice(-4)).toEqual(['phase:ivr', 'phase:hold', 'agent-pickup', 'phase:agent']);
    expect(entry(call, 'force-pickup')?.by).toBe('simulator');
    call.forceDisconnect();
    expect(events.at(-2)?.e).toEqual({ type: 'hangup', by: 'irs', reason: 'forced' });
    call.forcePickup();
    expect(call.timeline().at(-1)).toMatchObject({ event: 'force-pickup', detail: { ignored: true } });
  });

  it('forcePickup while ringing answers at once', () => {
    const { clock, model } = setup('default');
    const call = model.dial('ring-1', PPS);
    const events = collect(call, clock);
    call.forcePickup();
    expect(types(events)).toEqual(['proceeding', 'answered', 'phase:hold', 'agent-pickup', 'phase:agent']);
    call.start(); // no effect now
    clock.advance(MIN);
    expect(hangupReason(call)).toBe('dead-air');
  });

  it('rejects numbers that are not E.164', () => {
    const { model } = setup('default');
    expect(() => model.dial('x', '866-860-4259')).toThrow(/E\.164/);
  });
});

describe('audio per phase', () => {
  it('silence before proceeding, ringback while ringing, music on hold, speech from the agent, silence when ended', () => {
    const { clock, model } = setup('fast-agent');
    const call = model.dial(findKey(model, (p) => p.outcome === 'agent'), PPS);
    call.on((e) => e.type === 'answered' && call.sendDtmf('12'));
    call.start();
    clock.advance(5 * MIN);
    const t = (event: string) => at(call, event);
    expect(muLawRms(call.readAudio(T0, 10))).toBe(0);
    expect(muLawRms(call.readAudio(t('proceeding'), 50))).toBeGreaterThan(1000);
    expect(muLawRms(call.readAudio(t('answered') + 500, 100))).toBeGreaterThan(500);
    expect(muLawRms(call.readAudio(t('hold-start') + 20_000, 100))).toBeGreaterThan(500);
    const greeting = entry(call, 'agent-pickup')?.detail?.greetingStartAt as number;
    expect(muLawRms(call.readAudio(greeting, 100))).toBeGreaterThan(500);
    expect(call.readAudio(t('hangup'), 100).every((b) => b === 0xff)).toBe(true);
  });
});

describe('determinism', () => {
  function run(seed: number, key: string) {
    const clock = new ManualClock(T0, 1);
    const model = new LineModel({ seed, scenario: scenarios['fast-agent'], clock });
    const call = model.dial(key, PPS);
    call.on((e) => e.type === 'answered' && call.sendDtmf('12'));
    call.start();
    clock.advance(5 * MIN);
    return { plan: call.plan, timeline: call.timeline(), audio: Buffer.from(call.readAudio(T0, (5 * MIN) / 20)) };
  }

  it('replays plan, timeline and audio bytes for a seed; other callKeys differ', () => {
    const a = run(11, 'session-1');
    const b = run(11, 'session-1');
    expect(b.plan).toEqual(a.plan);
    expect(b.timeline).toEqual(a.timeline);
    expect(b.audio.equals(a.audio)).toBe(true);
    const c = run(11, 'session-2');
    expect(c.plan).not.toEqual(a.plan);
    expect(c.audio.equals(a.audio)).toBe(false);
  });

  it('an advancing calendar closes the line at 19:00', () => {
    const clock = new ManualClock(T0, 60);
    const calendar = { ...scenarios.default.calendar, advances: true, defaultStart: '2026-03-03T18:58' };
    const scenario = { ...scenarios.default, calendar };
    const model = new LineModel({ seed: 1, scenario, clock });
    expect(model.plan('a', PPS).calendar.open).toBe(true);
    clock.advance(3000); // 3 model minutes
    expect(model.plan('a', PPS).calendar.open).toBe(false);
  });
});
