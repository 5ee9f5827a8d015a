/**
 * The Telephony port over the official @ringcentral/sdk (RingCentral in production, our simulator in demo and
 * tests). Every request first takes a token from the shared RateBudget under the group RingCentral throttles it
 * in, so a transfer never waits behind dials; a 429 penalises the whole credential.
 */
import { metrics } from '../observability/metrics.ts';
import type { Logger } from 'pino';
import type { RateBudget } from './rate-budget.ts';
import type { ConnectedPlatform } from './ringcentral-platform.ts';
import { NETWORK_FAILURE_STATUS, toTelephonyError } from './sdk-errors.ts';
import { PlacementWithdrawn, TelephonyError } from './telephony-port.ts';
import type {
  PlaceCallRequest,
  SessionLookupOptions,
  DeviceSipInfo,
  SipInfoSource,
  CallRef,
  DirectoryDevice,
  DirectoryExtension,
  DirectoryQueue,
  PartyState,
  Presence,
  RequestPriority,
  SessionState,
  Telephony,
  ThrottleGroup,
  TransferTarget,
  WebhookSubscription,
} from './telephony-port.ts';

export interface RingCentralTelephonyOptions {
  platform: ConnectedPlatform['platform'];
  /** Budget key: RingCentral counts requests per (user, app), e.g. `clientId:ownerExtension`. */
  credential: string;
  budget: RateBudget;
  log: Logger;
  /** Pause before a read's single retry after a 5xx or a network failure (default 1 s). */
  retryDelayMs?: number;
  /** A read refused with 429 is retried once only if RingCentral asks us to wait at most this long (default 60 s). */
  maxRateLimitRetryMs?: number;
}

export interface ListExtensionsOptions {
  /** Also list Department extensions (call queues); default users only. */
  includeDepartments?: boolean;
  /** Records per page (default and RingCentral's maximum: 1000). */
  perPage?: number;
}

export interface ListQueuesOptions {
  perPage?: number;
}

const ACCOUNT = '/restapi/v1.0/account/~';
const TELEPHONY = `${ACCOUNT}/telephony`;
const SUBSCRIPTION = '/restapi/v1.0/subscription';
const MAX_PER_PAGE = 1000;
/** RingCentral's highest page number; also a guard against a server that always says "next page". */
const MAX_PAGES = 1000;
/** A short all-digit `to` is one of the account's extension numbers (RingCentral allows up to 8 digits). */
const EXTENSION_NUMBER = /^[0-9]{1,8}$/;

interface RcCallParty {
  id: string;
  extensionId?: string;
  direction?: string;
  status?: { code?: string; reason?: string };
}

interface RcCallSession {
  id: string;
  parties?: RcCallParty[];
}

interface RcPage<T> {
  records?: T[];
  paging?: { totalPages?: number };
  navigation?: { nextPage?: { uri?: string } };
}

interface RcExtension {
  id: number | string;
  extensionNumber?: string;
  name?: string;
  type?: string;
  status?: string;
  contact?: { email?: string };
}

interface RcDevice {
  id: string;
  type?: string;
  status?: string;
  name?: string;
  extension?: { id?: number | string };
}

interface RcSipInfo {
  domain?: string;
  outboundProxies?: { region?: string; proxy?: string; proxyTLS?: string }[];
  userName?: string;
  password?: string;
  authorizationId?: string;
}

interface RcQueue {
  id: number | string;
  extensionNumber?: string;
  name?: string;
  status?: string;
}

interface RcPresence {
  extension?: { id?: number | string };
  telephonyStatus?: string;
  dndStatus?: string;
  presenceStatus?: string;
  activeCalls?: { telephonySessionId?: string; partyId?: string; direction?: string }[];
}

interface RcSubscription {
  id: string;
  status: string;
  expirationTime: string;
  eventFilters?: string[];
  deliveryMode?: { address?: string };
}

interface Request {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  group: ThrottleGroup;
  priority: RequestPriority;
  query?: Record<string, string | number | string[]>;
  body?: unknown;
  /** See PlaceCallRequest.proceed: checked while waiting for the budget and right before sending. */
  proceed?: () => Promise<boolean>;
  /** See SessionLookupOptions.wait: refused at once (429) instead of waiting for the budget or a Retry-After. */
  noWait?: boolean;
}

/** How often a request with a `proceed` check re-asks it while waiting for the budget. */
const PROCEED_CHECK_EVERY_MS = 2_000;

export class RingCentralTelephony implements Telephony, SipInfoSource {
  private readonly platform: ConnectedPlatform['platform'];
  private readonly credential: string;
  private readonly budget: RateBudget;
  private readonly log: Logger;
  private readonly retryDelayMs: number;
  private readonly maxRateLimitRetryMs: number;

  constructor(options: RingCentralTelephonyOptions) {
    this.platform = options.platform;
    this.credential = options.credential;
    this.budget = options.budget;
    this.log = options.log;
    this.retryDelayMs = options.retryDelayMs ?? 1_000;
    this.maxRateLimitRetryMs = options.maxRateLimitRetryMs ?? 60_000;
  }

  /**
   * `to` is E.164 (optionally with a DTMF postfix, see dial-string.ts) or one of the account's extension numbers
   * (the standby leg to the firm's queue). `priority` lets that standby leg use the headroom kept for hand-offs.
   */
  async placeCall(request: PlaceCallRequest): Promise<CallRef> {
    const to = EXTENSION_NUMBER.test(request.to) ? { extensionNumber: request.to } : { phoneNumber: request.to };
    const { session } = await this.json<{ session: RcCallSession }>({
      method: 'POST',
      path: `${TELEPHONY}/call-out`,
      group: 'Heavy',
      priority: request.priority ?? 'dial',
      body: { from: { deviceId: request.deviceId }, to },
      ...(request.proceed ? { proceed: request.proceed } : {}),
    });
    const ours = session.parties?.[0];
    if (!ours) throw new Error(`call-out ${session.id}: the reply names no party of ours`);
    return { telephonySessionId: session.id, partyId: ours.id };
  }

  async getSession(telephonySessionId: string, options: SessionLookupOptions = {}): Promise<SessionState> {
    try {
      const request = this.read('Light', `${TELEPHONY}/sessions/${encode(telephonySessionId)}`);
      const session = await this.json<RcCallSession>(options.wait === false ? { ...request, noWait: true } : request);
      return { telephonySessionId, exists: true, parties: (session.parties ?? []).map(partyState) };
    } catch (error) {
      if (isNotFound(error)) return { telephonySessionId, exists: false, parties: [] };
      throw error;
    }
  }

  async transfer(call: CallRef, target: TransferTarget): Promise<void> {
    const body = target.kind === 'number' ? { phoneNumber: target.phoneNumber } : { extensionNumber: target.extensionNumber };
    await this.send({ method: 'POST', path: `${partyPath(call)}/transfer`, group: 'Light', priority: 'transfer', body });
  }

  async bridge(call: CallRef, standby: CallRef): Promise<void> {
    await this.send({
      method: 'POST',
      path: `${partyPath(call)}/bridge`,
      group: 'Light',
      priority: 'transfer',
      body: { telephonySessionId: standby.telephonySessionId, partyId: standby.partyId },
    });
  }

  async hangup(telephonySessionId: string): Promise<void> {
    try {
      await this.send({ method: 'DELETE', path: `${TELEPHONY}/sessions/${encode(telephonySessionId)}`, group: 'Light', priority: 'hangup' });
    } catch (error) {
      // Already gone (hung up by the far end, transferred away, or by an earlier attempt): that is success.
      if (!isNotFound(error)) throw error;
    }
  }

  async listExtensions(options: ListExtensionsOptions = {}): Promise<DirectoryExtension[]> {
    const types = options.includeDepartments ? ['User', 'Department'] : ['User'];
    const records = await this.listAll<RcExtension>(`${ACCOUNT}/extension`, { type: types }, options.perPage);
    return records
      .filter((record) => types.includes(record.type ?? ''))
      .map((record) => ({
        id: String(record.id),
        extensionNumber: record.extensionNumber ?? '',
        name: record.name ?? '',
        type: record.type ?? 'User',
        status: record.status ?? 'Unknown',
        ...(record.contact?.email ? { email: record.contact.email } : {}),
      }));
  }

  async listDevices(extensionId: string): Promise<DirectoryDevice[]> {
    const page = await this.json<RcPage<RcDevice>>(this.read('Light', `${ACCOUNT}/extension/${encode(extensionId)}/device`));
    return (page.records ?? []).map((device) => ({
      id: String(device.id),
      extensionId: device.extension?.id === undefined ? extensionId : String(device.extension.id),
      type: device.type ?? 'HardPhone',
      status: device.status ?? 'Offline',
      name: device.name ?? '',
    }));
  }

  /** SIP credentials of an "Existing Phone" device (sip-info); the TLS proxy is the one the softphone dials. */
  async sipInfo(deviceId: string): Promise<DeviceSipInfo> {
    const info = await this.json<RcSipInfo>({ ...this.read('Light', `${ACCOUNT}/device/${encode(deviceId)}/sip-info`), priority: 'dial' });
    const outboundProxy = info.outboundProxies?.find((proxy) => proxy.proxyTLS)?.proxyTLS;
    if (!info.domain || !outboundProxy || !info.userName || !info.password || !info.authorizationId) {
      throw new TelephonyError(`device ${deviceId} has no usable SIP credentials (is it an "Existing Phone"?)`, 422, 'NO_SIP_INFO');
    }
    return { domain: info.domain, outboundProxy, userName: info.userName, password: info.password, authorizationId: info.authorizationId };
  }

  async listQueues(options: ListQueuesOptions = {}): Promise<DirectoryQueue[]> {
    const records = await this.listAll<RcQueue>(`${ACCOUNT}/call-queues`, {}, options.perPage);
    return records.map((queue) => ({
      id: String(queue.id),
      extensionNumber: queue.extensionNumber ?? '',
      name: queue.name ?? '',
      ...(queue.status ? { status: queue.status } : {}),
    }));
  }

  async presence(extensionId: string): Promise<Presence> {
    const body = await this.json<RcPresence>(
      this.read('Light', `${ACCOUNT}/extension/${encode(extensionId)}/presence`, { detailedTelephonyState: 'true' }),
    );
    return {
      extensionId: body.extension?.id === undefined ? extensionId : String(body.extension.id),
      // RingCentral omits it for Department extensions: say so rather than claim "NoCall".
      telephonyStatus: body.telephonyStatus ?? 'Unknown',
      ...(body.dndStatus ? { dndStatus: body.dndStatus } : {}),
      ...(body.presenceStatus ? { presenceStatus: body.presenceStatus } : {}),
      activeCalls: (body.activeCalls ?? []).map((call) => ({
        telephonySessionId: call.telephonySessionId ?? '',
        partyId: call.partyId ?? '',
        direction: call.direction ?? '',
      })),
    };
  }

  async createSubscription(request: {
    address: string;
    verificationToken: string;
    eventFilters: string[];
    expiresIn?: number;
  }): Promise<WebhookSubscription> {
    const body = {
      eventFilters: request.eventFilters,
      deliveryMode: { transportType: 'WebHook', address: request.address, verificationToken: request.verificationToken },
      ...(request.expiresIn === undefined ? {} : { expiresIn: request.expiresIn }),
    };
    return subscription(await this.json<RcSubscription>({ method: 'POST', path: SUBSCRIPTION, group: 'Medium', priority: 'upkeep', body }));
  }

  async getSubscription(id: string): Promise<WebhookSubscription | undefined> {
    try {
      return subscription(await this.json<RcSubscription>({ ...this.read('Light', `${SUBSCRIPTION}/${encode(id)}`), priority: 'upkeep' }));
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async renewSubscription(id: string): Promise<WebhookSubscription> {
    return subscription(
      await this.json<RcSubscription>({ method: 'POST', path: `${SUBSCRIPTION}/${encode(id)}/renew`, group: 'Light', priority: 'upkeep' }),
    );
  }

  async deleteSubscription(id: string): Promise<void> {
    try {
      await this.send({ method: 'DELETE', path: `${SUBSCRIPTION}/${encode(id)}`, group: 'Medium', priority: 'upkeep' });
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }

  /** Every page of a list, by page number while RingCentral says there is a next page. */
  private async listAll<T>(path: string, query: Request['query'], perPage = MAX_PER_PAGE): Promise<T[]> {
    const records: T[] = [];
    for (let page = 1; page <= MAX_PAGES; page++) {
      const body = await this.json<RcPage<T>>(this.read('Medium', path, { ...query, page, perPage }));
      const batch = body.records ?? [];
      records.push(...batch);
      const more = body.navigation?.nextPage !== undefined || page < (body.paging?.totalPages ?? 0);
      if (!more || batch.length === 0) break;
    }
    return records;
  }

  private read(group: ThrottleGroup, path: string, query?: Request['query']): Request {
    return { method: 'GET', path, group, priority: 'sync', ...(query ? { query } : {}) };
  }

  private async json<T>(request: Request): Promise<T> {
    const response = await this.send(request);
    return (await response.json()) as T;
  }

  /**
   * One request under the budget. Reads (GET) are retried once after a 429 or a 5xx; anything that changes a
   * call is not, because only the engine knows whether doing it twice is safe.
   */
  private async send(request: Request): Promise<Response> {
    const retryable = request.method === 'GET';
    for (let attempt = 1; ; attempt++) {
      const waitStarted = performance.now();
      await this.acquire(request);
      metrics.rateBudgetWait.observe({ group: request.group, priority: request.priority }, (performance.now() - waitStarted) / 1000);
      if (request.proceed && !(await request.proceed())) throw new PlacementWithdrawn();
      metrics.rcRequests.inc({ group: request.group });
      try {
        return await this.platform.send({
          method: request.method,
          url: request.path,
          query: request.query,
          body: request.body,
          // The budget and the engine decide about waiting, not the SDK.
          handleRateLimit: false,
        });
      } catch (raw) {
        const error = await toTelephonyError(raw);
        if (error.rateLimited) {
          metrics.rcRateLimited.inc({ group: request.group });
          this.log.warn({ group: request.group, path: request.path, retryAfterMs: error.retryAfterMs }, 'RingCentral rate limit hit');
          // Nothing of this credential goes out until RingCentral's penalty has passed: the next acquire waits.
          await this.budget.penalize(this.credential, error.retryAfterMs);
        }
        if (!retryable || attempt > 1 || !this.worthRetrying(error) || (request.noWait && error.rateLimited)) throw error;
        this.log.warn({ path: request.path, status: error.status, errorCode: error.errorCode }, 'RingCentral read failed, retrying once');
        if (!error.rateLimited) await delay(this.retryDelayMs);
      }
    }
  }

  /**
   * The budget's wait; a request with a `proceed` check stops waiting (and takes no slot) as soon as the check says
   * no, so a dial cancelled while queued for the Heavy budget does not use up a call-out.
   */
  private async acquire(request: Request): Promise<void> {
    const { proceed } = request;
    if (request.noWait) {
      const now = await this.budget.tryAcquire(this.credential, request.group, request.priority);
      if (!now.ok) throw new TelephonyError(`rate budget: no ${request.group} request allowed for ${now.retryInMs} ms`, 429, 'BUDGET-WAIT', now.retryInMs);
      return;
    }
    if (!proceed) return this.budget.acquire(this.credential, request.group, request.priority);
    if (!(await proceed())) throw new PlacementWithdrawn();
    const waiting = new AbortController();
    const check = setInterval(() => {
      proceed().then(
        (go) => go || waiting.abort(new PlacementWithdrawn()),
        () => undefined,
      );
    }, PROCEED_CHECK_EVERY_MS);
    try {
      await this.budget.acquire(this.credential, request.group, request.priority, waiting.signal);
    } finally {
      clearInterval(check);
    }
  }

  private worthRetrying(error: TelephonyError): boolean {
    if (error.rateLimited) return (error.retryAfterMs ?? 0) <= this.maxRateLimitRetryMs;
    return error.status >= 500 || error.status === NETWORK_FAILURE_STATUS;
  }
}

function partyState(party: RcCallParty): PartyState {
  return {
    id: party.id,
    code: party.status?.code ?? 'Unknown',
    ...(party.status?.reason ? { reason: party.status.reason } : {}),
    ...(party.extensionId ? { extensionId: party.extensionId } : {}),
    direction: party.direction === 'Outbound' ? 'Outbound' : 'Inbound',
  };
}

function subscription(body: RcSubscription): WebhookSubscription {
  return {
    id: body.id,
    status: body.status,
    expirationTime: body.expirationTime,
    address: body.deliveryMode?.address ?? '',
    eventFilters: body.eventFilters ?? [],
  };
}

function partyPath(call: CallRef): string {
  return `${TELEPHONY}/sessions/${encode(call.telephonySessionId)}/parties/${encode(call.partyId)}`;
}

function encode(id: string): string {
  return encodeURIComponent(id);
}

function isNotFound(error: unknown): boolean {
  return error instanceof TelephonyError && error.notFound;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
