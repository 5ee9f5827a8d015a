/**
 * Every Redis key the product uses, in one place. Keys of one job share the hash tag `{job:<id>}` so that all of
 * them live in one Redis Cluster slot and a Lua script may touch several at once (design §4, §7).
 *
 * Keys a Lua script takes together must share a hash tag (`{job:…}`, `{budget:…}`, `{auth}`). Other global keys
 * carry none, so their names stay as they were; a transaction spanning them runs per slot on a cluster
 * (src/store/redis-cluster-client.ts, docs/resilience.md), so order its commands so that each prefix is harmless.
 */
export const PREFIX = 'hh';

export const jobKeys = (jobId: string) => {
  const tag = `${PREFIX}:{job:${jobId}}`;
  return {
    /** Hash: the job's record (spec, status, timestamps). */
    record: `${tag}:record`,
    /** String: the persisted XState snapshot of the job supervisor (its call actors are in `snapshotCalls`). */
    snapshot: `${tag}:snapshot`,
    /** Hash: callId → the persisted snapshot of that call actor (written only when it changed). */
    snapshotCalls: `${tag}:snapshot:calls`,
    /** Stream: telephony events routed to the job's owner. */
    events: `${tag}:events`,
    /** Stream: every state change of every actor (kept after the job ends). */
    history: `${tag}:history`,
    /** Hash: the one-shot winner record {callId, token, state}. */
    winner: `${tag}:winner`,
    /** String counter: fencing tokens for the winner record. */
    fence: `${tag}:fence`,
    /** String counter: the owner epoch; each owner claims the next when it takes the hunt, and commits only under it. */
    owner: `${tag}:owner`,
    /** Set of hangup intent ids whose `call.hung-up` result is in the stream (each is answered exactly once). */
    hangupsAnswered: `${tag}:hangups-answered`,
    /** Set of "<callId>:<attempt>" dials being placed right now (the owner waits for them before it stops). */
    dialsInFlight: `${tag}:dials-in-flight`,
    /** Stream: every detection decision of every line (live and shadow), with its evidence and clip key. */
    detections: `${tag}:detections`,
    /** String (binary μ-law, with a TTL): the audio around one detection decision. */
    clip: (callId: string, decisionId: string) => `${tag}:clip:${callId}:${decisionId}`,
    /** Hash: detection record id → an engineer's label of that decision ({label, note?, by, at}). */
    detectionLabels: `${tag}:detection-labels`,
    /** Hash: callId → why an operator is needed on that line now (e.g. the IRS voice check). */
    alerts: `${tag}:alerts`,
  };
};

export const globalKeys = {
  /** Sorted set of job ids by creation time. */
  jobs: `${PREFIX}:jobs`,
  /** Hash: telephonySessionId → "<jobId> <callId>" (where webhooks find their job). */
  sessionMap: `${PREFIX}:session-map`,
  /** Hash: extensionId → "<jobId> <callId>" for every extension reserved by a line. */
  extensionReservations: `${PREFIX}:ext:reservations`,
  /** List: notifications for a session not yet mapped to a job (a call-out's first events can beat its reply). */
  parkedEvents: (telephonySessionId: string) => `${PREFIX}:parked:${telephonySessionId}`,
  /** Prefix for webhook de-duplication keys (SET NX with TTL per notification uuid). */
  webhookSeen: (uuid: string) => `${PREFIX}:webhook:seen:${uuid}`,
  /** Rate budget per credential and group. */
  budget: (credential: string, group: string) => `${PREFIX}:{budget:${credential}}:${group}`,
  budgetBlock: (credential: string) => `${PREFIX}:{budget:${credential}}:blocked-until`,
  /** Hash: the webhook subscription this deployment owns. */
  subscription: `${PREFIX}:rc:subscription`,
  /** Hash of extension settings (enabled for hunting, tags) keyed by extension id. */
  extensions: `${PREFIX}:extensions`,
  queues: `${PREFIX}:queues`,
  /** Hash: poolId → a named pool of extensions ({id, name, createdAt}); members in `poolMembers(id)`. */
  pools: `${PREFIX}:ext:pools`,
  /** Hash: lower-cased pool name → poolId (HSETNX keeps names unique across instances). */
  poolNames: `${PREFIX}:ext:pool-names`,
  /** Set: the extension ids in one named pool. */
  poolMembers: (poolId: string) => `${PREFIX}:ext:pool:${poolId}:members`,
  /** Hash: extensionId → its last read presence and what it means for hunting (kept apart so syncs never clobber it). */
  extensionPresence: `${PREFIX}:ext:presence`,
  /** String with a TTL: which instance re-reads presence in this round (keepPresenceFresh). */
  presenceRound: (round: number) => `${PREFIX}:ext:presence-round:${round}`,
  /** String with a TTL: an instance is looking up (or just looked up) this extension's devices at start (startup sync). */
  deviceLookupClaim: (extensionId: string) => `${PREFIX}:ext:device-lookup:${extensionId}`,
  /** Hash: jobId → the ended job's summary from its history (computed once, read by history, queues and analytics). */
  jobSummaries: `${PREFIX}:job-summaries`,
  destinations: `${PREFIX}:destinations`,
  settings: `${PREFIX}:settings`,
  /** Sorted set: telephonySessionId → until when (ms) someone listens to that line live (refreshed while they do). */
  listening: `${PREFIX}:listening`,
  /** Pub/sub channel: a listened line's audio, 8 kHz μ-law in 100 ms chunks. */
  lineAudio: (telephonySessionId: string) => `${PREFIX}:audio:${telephonySessionId}`,
  /** Pub/sub channel: an operator's voice for a line (talk-through), 8 kHz μ-law; `talkPattern` matches every line's. */
  lineTalk: (telephonySessionId: string) => `${PREFIX}:talk:${telephonySessionId}`,
  talkPattern: `${PREFIX}:talk:*`,
  /** Pub/sub channel: "<requestId> <telephonySessionId>", a hang-up for the thread that holds the line's SIP call. */
  lineHangupRequests: `${PREFIX}:line-hangup`,
  /** Pub/sub channel: the requestId a holder took (it ends the line; the requester need not). */
  lineHangupsTaken: `${PREFIX}:line-hangup:taken`,
  /** Hash: destinationId → the live detection settings (overrides of the defaults, versioned). */
  detectionSettings: `${PREFIX}:detection:settings`,
  /** Hash: destinationId → the shadow (candidate) detection settings, run beside the live ones and never acted on. */
  detectionShadow: `${PREFIX}:detection:shadow`,
  /** List (newest first): who changed a destination's detection settings, when, from what to what. */
  detectionSettingsHistory: (destinationId: string) => `${PREFIX}:detection:settings-history:${destinationId}`,
} as const;

/**
 * Users, sessions, API tokens, login throttling, rate limits and the audit log (src/web/auth). Secrets are never
 * part of a key or a value: session ids and token secrets are stored as SHA-256 digests, passwords as argon2id.
 */
export const authKeys = {
  /** Set of every username. (Hash tag {auth}: user creation's script touches the set and the record in one slot.) */
  users: `${PREFIX}:{auth}:users`,
  /** Hash: one user's record (role, password hash, created by/at). */
  user: (username: string) => `${PREFIX}:{auth}:user:${username}`,
  /** Hash (with TTL = idle expiry): one session, keyed by the SHA-256 of its id. */
  session: (digest: string) => `${PREFIX}:session:${digest}`,
  /** Set: digests of one user's sessions ("log out everywhere" deletes them all). */
  userSessions: (username: string) => `${PREFIX}:user-sessions:${username}`,
  /** Hash: one API token (user, scope, name, SHA-256 of its secret). */
  apiToken: (tokenId: string) => `${PREFIX}:api-token:${tokenId}`,
  /** Set: ids of one user's API tokens. */
  userTokens: (username: string) => `${PREFIX}:user-tokens:${username}`,
  /** String (with TTL): argon2id hash of the one-time secret that creates the first admin. */
  bootstrap: `${PREFIX}:auth:bootstrap`,
  /** String counter (with TTL): failed logins of one account or one address in the current window. */
  loginFailures: (kind: 'account' | 'ip', id: string) => `${PREFIX}:login-failures:${kind}:${id}`,
  /** String (with TTL): present while an account or an address is locked out of logging in. */
  loginLock: (kind: 'account' | 'ip', id: string) => `${PREFIX}:login-lock:${kind}:${id}`,
  /** String counter (with TTL): requests of one caller in one fixed window. */
  rate: (bucket: string, id: string, window: number) => `${PREFIX}:rate:${bucket}:${id}:${window}`,
  /** Stream: the audit log (who did what, when), capped. */
  audit: `${PREFIX}:audit`,
  /** String (with TTL): an entry for this actor, action and target was written lately (rows with `auditEveryMs`). */
  auditRecent: (digest: string) => `${PREFIX}:audit-recent:${digest}`,
} as const;
