/* global AudioWorkletProcessor, sampleRate, registerProcessor */
// Talk-through capture (AudioWorklet, loaded by talk.js): the microphone, already low-passed to the telephone
// band by a BiquadFilter in front of this node, averaged down to 8 kHz and encoded as G.711 μ-law (the ITU-T
// reference algorithm, as src/media/mu-law.ts), posted to the page one 20 ms frame (160 bytes) at a time.
const BIAS = 0x84;
const CLIP = 32635;
const FRAME = 160;

function linearToMuLaw(sample) {
  let pcm = Math.max(-32768, Math.min(32767, Math.round(sample)));
  const sign = pcm < 0 ? 0x80 : 0;
  if (sign) pcm = -pcm - 1;
  if (pcm > CLIP) pcm = CLIP;
  pcm += BIAS;
  let exponent = 7;
  for (let mask = 0x4000; (pcm & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  const mantissa = (pcm >> (exponent + 3)) & 0x0f;
  return ~(sign | (exponent << 4) | mantissa) & 0xff;
}

class TalkCapture extends AudioWorkletProcessor {
  constructor() {
    super();
    // `sampleRate` is the context's rate (48 kHz, 44.1 kHz...): each output sample averages `ratio` inputs.
    this.ratio = sampleRate / 8000;
    this.position = 0;
    this.sum = 0;
    this.count = 0;
    this.frame = new Uint8Array(FRAME);
    this.filled = 0;
  }

  process(inputs) {
    const channel = inputs[0] && inputs[0][0];
    if (!channel) return true;
    for (let i = 0; i < channel.length; i++) {
      this.sum += channel[i];
      this.count += 1;
      this.position += 1;
      if (this.position < this.ratio) continue;
      this.position -= this.ratio;
      this.frame[this.filled++] = linearToMuLaw((this.sum / this.count) * 32768);
      this.sum = 0;
      this.count = 0;
      if (this.filled === FRAME) {
        this.port.postMessage(this.frame);
        this.frame = new Uint8Array(FRAME);
        this.filled = 0;
      }
    }
    return true;
  }
}

registerProcessor('talk-capture', TalkCapture);
