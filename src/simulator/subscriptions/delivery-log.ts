/** Every webhook delivery attempt, for the /_sim control API and tests: a bounded log, oldest dropped first. */

export type DeliveryOutcome =
  /** Scheduled (delayed, held for reordering) or in flight. */
  | 'pending'
  /** The receiver answered 2xx. */
  | 'delivered'
  /** Non-2xx, oversize response, timeout or network error: counts toward blacklisting. */
  | 'failed'
  /** Dropped by the webhookLoss fault: never sent. */
  | 'lost'
  /** Not sent because the subscription was deleted, expired or blacklisted meanwhile, or the hub closed. */
  | 'skipped';

export interface DeliveryRecord {
  subscriptionId: string;
  /** The notification's uuid; a duplicate carries the same one. */
  uuid: string;
  sequence: number;
  telephonySessionId: string;
  partyId: string;
  /** The matched filter, as in the notification's `event`. */
  event: string;
  outcome: DeliveryOutcome;
  /** HTTP status when the receiver answered. */
  status?: number;
  /** Why it failed or was skipped: RC's blacklist wording for failures. */
  error?: string;
  /** The second copy sent by the webhookDuplication fault. */
  duplicated: boolean;
  /** Held back by the webhookReorder fault and sent after the next notification of its session. */
  reordered: boolean;
  lost: boolean;
  /** Extra delay from the webhookDelayMs fault, wall ms. */
  delayMs: number;
  /** When the notification was published (ISO). */
  at: string;
  /** When the POST started (ISO). */
  sentAt?: string;
  /** Wall ms from the POST start to its outcome. */
  durationMs?: number;
}

export const DEFAULT_DELIVERY_LOG_LIMIT = 5000;

/** Attempts per outcome since the log was created or cleared, including those the bounded log has dropped. */
export type DeliveryTotals = Record<DeliveryOutcome, number>;

const noTotals = (): DeliveryTotals => ({ pending: 0, delivered: 0, failed: 0, lost: 0, skipped: 0 });

export class DeliveryLog {
  private records: DeliveryRecord[] = [];
  /** Outcomes of the records dropped from the log, tallied as they go (a load run outgrows the log in seconds). */
  private dropped = noTotals();

  constructor(private readonly limit = DEFAULT_DELIVERY_LOG_LIMIT) {}

  /** Adds a record and returns it; the caller updates it in place as the attempt progresses. */
  add(record: DeliveryRecord): DeliveryRecord {
    this.records.push(record);
    if (this.records.length > this.limit) {
      for (const old of this.records.splice(0, this.records.length - this.limit)) this.dropped[old.outcome] += 1;
    }
    return record;
  }

  /** Copies, oldest first. */
  list(): DeliveryRecord[] {
    return this.records.map((r) => ({ ...r }));
  }

  /** Every attempt's outcome as it stands: those still in the log plus those dropped from it. */
  totals(): DeliveryTotals {
    const totals = { ...this.dropped };
    for (const record of this.records) totals[record.outcome] += 1;
    return totals;
  }

  clear(): void {
    this.records = [];
    this.dropped = noTotals();
  }
}
