/**
 * Why an audio file cannot be played down the phone path. `message` is meant for a person (it names the file
 * and what is wrong with it); `kind` is for code that reacts differently, e.g. a CLI choosing its exit code.
 */
export type AudioFileErrorKind =
  | 'missing' // no such file
  | 'unreadable' // a directory, no permission, an I/O error
  | 'empty' // zero bytes
  | 'truncated' // the header or the data chunk ends before its declared size
  | 'not-audio' // not a RIFF/WAVE file at all
  | 'unsupported' // a WAV whose encoding we do not decode (ADPCM, MP3-in-WAV, 12-bit float, ...)
  | 'invalid'; // a WAV whose format chunk makes no sense (zero channels or sample rate, bad block size)

export class AudioFileError extends Error {
  override readonly name = 'AudioFileError';

  constructor(
    readonly kind: AudioFileErrorKind,
    message: string,
  ) {
    super(message);
  }
}
