/**
 * Strategy (c): call-progress signals and timing priors. Once the telephony side says the call was answered,
 * nothing the audio says counts until the IVR is done (the IRS greeting is not an agent); then a short settle
 * time. A detector fed audio only (a file) has no such prior and listens from the start.
 */
import type { ProgressSignal, StrategyEvidence } from '../types.ts';

export class CallProgressStrategy {
  private answeredAt: number | undefined;
  private ivrDoneAt: number | undefined;
  private lastStatus = '';

  constructor(
    private readonly waitForIvrDone: boolean,
    private readonly settleMs: number,
  ) {}

  signal(signal: ProgressSignal, tMs: number): void {
    if (signal.kind === 'answered') this.answeredAt ??= tMs;
    else if (signal.kind === 'ivr-done') this.ivrDoneAt ??= tMs;
    else if (signal.kind === 'status') this.lastStatus = signal.status;
  }

  /** 0 while audio must not count, 1 when it may. */
  gate(tMs: number): number {
    if (this.ivrDoneAt !== undefined) return tMs - this.ivrDoneAt >= this.settleMs ? 1 : 0;
    if (this.answeredAt !== undefined && this.waitForIvrDone) return 0;
    return tMs >= this.settleMs ? 1 : 0;
  }

  evidence(tMs: number, musicStoppedRecently: boolean): StrategyEvidence {
    return {
      strategy: 'progress',
      confidence: this.gate(tMs),
      inputs: {
        answeredAtMs: this.answeredAt ?? -1,
        ivrDoneAtMs: this.ivrDoneAt ?? -1,
        status: this.lastStatus,
        musicStoppedRecently,
      },
    };
  }
}
