/**
 * The MediaSource port: what the phone lines hear, as 16-bit linear frames per call, for detection (issue 5) and
 * live listening. Softphone lines publish here; consumers subscribe by telephony session id. In-process only:
 * audio never crosses Redis (a line's audio is consumed on the instance whose softphone receives it).
 */
export interface AudioFrame {
  /** Linear 16-bit mono samples. */
  pcm: Int16Array;
  sampleRate: number;
  /** Wall ms when the frame arrived. */
  at: number;
}

export type AudioListener = (frame: AudioFrame) => void;

export interface CallAudio {
  publish(telephonySessionId: string, frame: AudioFrame): void;
  /** Frames of one call from now on; returns the unsubscribe. */
  subscribe(telephonySessionId: string, listener: AudioListener): () => void;
  /** Frames of every call (e.g. a detector that watches all lines). */
  subscribeAll(listener: (telephonySessionId: string, frame: AudioFrame) => void): () => void;
}

export class CallAudioHub implements CallAudio {
  private readonly byCall = new Map<string, Set<AudioListener>>();
  private readonly everyCall = new Set<(telephonySessionId: string, frame: AudioFrame) => void>();

  publish(telephonySessionId: string, frame: AudioFrame): void {
    for (const listener of this.byCall.get(telephonySessionId) ?? []) listener(frame);
    for (const listener of this.everyCall) listener(telephonySessionId, frame);
  }

  subscribe(telephonySessionId: string, listener: AudioListener): () => void {
    let listeners = this.byCall.get(telephonySessionId);
    if (!listeners) {
      listeners = new Set();
      this.byCall.set(telephonySessionId, listeners);
    }
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
      if (listeners.size === 0) this.byCall.delete(telephonySessionId);
    };
  }

  subscribeAll(listener: (telephonySessionId: string, frame: AudioFrame) => void): () => void {
    this.everyCall.add(listener);
    return () => this.everyCall.delete(listener);
  }
}
