/* global navigator, AudioContext, BiquadFilterNode, AudioWorkletNode, GainNode, fetch, Element, MutationObserver */
// Talk-through on the live board: a "Talk" button (data-talk = the line's talk URL) sends the operator's
// microphone to that line, so a person answers the IRS voice check while listening with "Listen". The capture
// runs in an AudioWorklet (talk-worklet.js: 8 kHz μ-law, 20 ms frames); frames go to the server 100 ms per POST,
// one request at a time and in order (src/web/talk-route.ts). One line at a time: an operator has one voice.
// The board is re-rendered over SSE, so the buttons' state is re-applied whenever the page changes.
(function () {
  'use strict';

  const FRAMES_PER_POST = 5;
  /** Chunks waiting while a request is out; beyond this the oldest go (a late voice is worse than a gap). */
  const MAX_BACKLOG = 10;

  /** The line being talked on: { url, label, stream, context, frames, backlog, sending, stopped }. */
  let active = null;
  let statusText = '';

  function csrfToken() {
    const meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute('content') : null;
  }

  function setStatus(text) {
    statusText = text;
    render();
  }

  /** Buttons and the status line as the state says (the board may have been swapped in since). */
  function render() {
    for (const button of document.querySelectorAll('button[data-talk]')) {
      const on = Boolean(active) && button.getAttribute('data-talk') === active.url;
      if (button.getAttribute('aria-pressed') !== String(on)) button.setAttribute('aria-pressed', String(on));
      const label = on ? 'Stop talking' : 'Talk';
      if (button.textContent !== label) button.textContent = label;
    }
    for (const status of document.querySelectorAll('[data-talk-status]')) {
      if (status.textContent !== statusText) status.textContent = statusText;
    }
  }

  async function start(url, label) {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia || typeof AudioWorkletNode === 'undefined') {
      setStatus('This browser cannot send a microphone (it needs getUserMedia and AudioWorklet, over https or on localhost).');
      return;
    }
    const talk = { url, label, stream: null, context: null, frames: [], backlog: [], sending: false, stopped: false };
    active = talk;
    setStatus(`Starting the microphone for ${label}…`);
    try {
      talk.stream = await navigator.mediaDevices.getUserMedia({ audio: { channelCount: 1, echoCancellation: true, noiseSuppression: true, autoGainControl: true } });
      if (talk.stopped) return release(talk);
      talk.context = new AudioContext();
      await talk.context.audioWorklet.addModule('/static/talk-worklet.js');
      if (talk.stopped) return release(talk);
      const source = talk.context.createMediaStreamSource(talk.stream);
      // Telephone band only: what the 8 kHz line can carry, and no aliasing from above it.
      const band = new BiquadFilterNode(talk.context, { type: 'lowpass', frequency: 3400, Q: 0.7 });
      const capture = new AudioWorkletNode(talk.context, 'talk-capture', { numberOfInputs: 1, numberOfOutputs: 1, channelCount: 1 });
      // Pulled by the graph only when connected onwards: to the speakers, muted (the operator hears the line, not themselves).
      const mute = new GainNode(talk.context, { gain: 0 });
      source.connect(band).connect(capture).connect(mute).connect(talk.context.destination);
      capture.port.onmessage = (event) => onFrame(talk, event.data);
      await talk.context.resume();
      setStatus(`Talking on ${label}: your microphone goes to the line.`);
    } catch (error) {
      stop(talk);
      setStatus(`The microphone could not start: ${error && error.message ? error.message : error}`);
    }
  }

  function onFrame(talk, frame) {
    if (talk.stopped) return;
    talk.frames.push(frame);
    if (talk.frames.length < FRAMES_PER_POST) return;
    const chunk = new Uint8Array(frame.length * talk.frames.length);
    talk.frames.forEach((f, i) => chunk.set(f, i * frame.length));
    talk.frames = [];
    talk.backlog.push(chunk);
    if (talk.backlog.length > MAX_BACKLOG) talk.backlog.shift();
    void send(talk);
  }

  async function send(talk) {
    if (talk.sending) return;
    talk.sending = true;
    try {
      while (!talk.stopped && talk.backlog.length > 0) {
        const chunk = talk.backlog.shift();
        const headers = { 'Content-Type': 'application/octet-stream' };
        const token = csrfToken();
        if (token) headers['X-CSRF-Token'] = token;
        const response = await fetch(talk.url, { method: 'POST', headers, body: chunk, credentials: 'same-origin' });
        if (response.ok) continue;
        // The line has ended, the hunt is over, or we were signed out: stop, and say why.
        const reason = (await response.text()).slice(0, 200);
        stop(talk);
        setStatus(`Stopped talking on ${talk.label}: ${reason || `the server answered ${response.status}`}`);
      }
    } catch (error) {
      stop(talk);
      setStatus(`Stopped talking on ${talk.label}: the connection failed (${error && error.message ? error.message : error}).`);
    } finally {
      talk.sending = false;
    }
  }

  function release(talk) {
    if (talk.stream) for (const track of talk.stream.getTracks()) track.stop();
    if (talk.context) void talk.context.close().catch(() => undefined);
  }

  function stop(talk) {
    if (!talk || talk.stopped) return;
    talk.stopped = true;
    release(talk);
    if (active === talk) active = null;
    render();
  }

  document.addEventListener('click', (event) => {
    const button = event.target instanceof Element ? event.target.closest('button[data-talk]') : null;
    if (!button) return;
    event.preventDefault();
    const url = button.getAttribute('data-talk');
    const label = button.getAttribute('data-line') || 'this line';
    const wasThisLine = active && active.url === url;
    if (active) {
      const label = active.label;
      stop(active);
      setStatus(`Stopped talking on ${label}.`);
    }
    if (!wasThisLine) void start(url, label);
  });

  // The live board is swapped in over SSE: keep the buttons and status in step with what is happening.
  new MutationObserver(render).observe(document.documentElement, { childList: true, subtree: true });
  window.addEventListener('pagehide', () => stop(active));
})();
