/**
 * A WAV file around 8 kHz G.711 μ-law bytes (format 7, as a phone line carries them), so a browser or any audio
 * tool plays a detection clip as the line heard it.
 */
export function muLawWav(muLaw: Uint8Array, sampleRate = 8000): Uint8Array<ArrayBuffer> {
  const header = Buffer.alloc(58);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(50 + muLaw.length + (muLaw.length % 2), 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(18, 16); // non-PCM formats carry cbSize
  header.writeUInt16LE(7, 20); // WAVE_FORMAT_MULAW
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate, 28); // one byte per sample
  header.writeUInt16LE(1, 32);
  header.writeUInt16LE(8, 34);
  header.writeUInt16LE(0, 36);
  header.write('fact', 38, 'ascii');
  header.writeUInt32LE(4, 42);
  header.writeUInt32LE(muLaw.length, 46);
  header.write('data', 50, 'ascii');
  header.writeUInt32LE(muLaw.length, 54);
  const out = new Uint8Array(header.length + muLaw.length + (muLaw.length % 2));
  out.set(header, 0);
  out.set(muLaw, header.length);
  return out;
}

/**
 * The header of a 16-bit PCM WAV stream of unknown length (sizes at their maximum, as streaming players expect):
 * a live line played by the browser's own audio element, decoded from μ-law on the server.
 */
export function streamingPcmWavHeader(sampleRate = 8000): Uint8Array<ArrayBuffer> {
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(0xffffffff, 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(0xffffffff - 36, 40);
  return new Uint8Array(header);
}
