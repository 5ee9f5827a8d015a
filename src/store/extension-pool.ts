/** Extensions reserved by lines: an extension is never held by two calls, and every end of a call frees it. */
export interface Reservation {
  jobId: string;
  callId: string;
  /**
   * The line's dial attempt: a late (redelivered) release of attempt 1 must not free the extension attempt 2 of
   * the same line took meanwhile.
   */
  attempt?: number;
}

export interface ExtensionPool {
  /** Atomically reserves the first free extension among `candidates` for the call; undefined when none is free. */
  reserve(reservation: Reservation, candidates: readonly string[]): Promise<string | undefined>;
  /** Frees the extension if (and only if) this call holds it. */
  release(extensionId: string, holder: Reservation): Promise<boolean>;
  /** Frees every extension the job holds (job end, crash recovery); returns them. */
  releaseJob(jobId: string): Promise<string[]>;
  holder(extensionId: string): Promise<Reservation | undefined>;
  /** extensionId → callId for the job. */
  heldBy(jobId: string): Promise<Record<string, string>>;
}
