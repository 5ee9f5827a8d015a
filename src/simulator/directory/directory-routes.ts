/**
 * The directory part of the RingCentral REST API: extensions, their devices and presence, call queues, and
 * device SIP credentials. Each route authenticates, then counts against the throttling group the API
 * reference gives it (x-throttling-group), then answers in the reference's schema.
 */
import { Hono, type Context } from 'hono';
import { requireAuth } from '../auth/require-auth.ts';
import { invalidParameter, notFound } from '../rc-error.ts';
import { throttle } from '../rate-limit/throttle.ts';
import type { SimEnv } from '../sim-env.ts';
import {
  callQueueDetails,
  callQueueMemberPresence,
  callQueueMemberRecord,
  callQueueRecord,
} from './call-queue-records.ts';
import type { SimQueue, SimUser } from './directory-types.ts';
import { deviceRecord, extensionInfo, extensionRecord, isQueue, type SimExtension } from './extension-records.ts';
import { listUrl, paginate, parsePageRequest } from './paging.ts';
import { checkAccountId, numericId } from './path-ids.ts';
import { presenceRecord } from './presence.ts';
import { RcLinks } from './rc-links.ts';

const ACCOUNT = '/restapi/v1.0/account/:accountId';

/** ExtensionStatusEnumFull and AllExtensionTypesEnum: filter values RingCentral accepts. */
const EXTENSION_STATUSES = ['Enabled', 'Disabled', 'Frozen', 'NotActivated', 'Unassigned'];
const EXTENSION_TYPES = [
  'User', 'Department', 'Announcement', 'Voicemail', 'DigitalUser', 'VirtualUser', 'FaxUser', 'PagingOnly',
  'SharedLinesGroup', 'DelegatedLinesGroup', 'GroupCallPickup', 'IvrMenu', 'ApplicationExtension', 'ProxyAdmin',
  'RoomConnector', 'ParkLocation', 'Limited', 'Bot', 'Site', 'Room', 'FlexibleUser', 'Unknown',
];
/** The device list's `type` filter values. */
const DEVICE_TYPES = ['HardPhone', 'SoftPhone', 'OtherPhone', 'MobileDevice', 'BLA', 'Paging', 'WebPhone', 'WebRTC', 'Room'];
/** RingCentral's SIP-over-TLS port, named when the simulator runs no SIP listener (options.sipPort unset). */
const DEFAULT_SIP_PORT = 5096;

type Ctx = Context<SimEnv>;

export function directoryRoutes(): Hono<SimEnv> {
  const app = new Hono<SimEnv>();

  app.get(`${ACCOUNT}/extension`, requireAuth, throttle('Medium'), (c) => {
    const { links, directory, query, page } = scope(c);
    const statuses = enumValues(query, 'status', EXTENSION_STATUSES);
    const types = enumValues(query, 'type', EXTENSION_TYPES);
    const extensionNumber = query.get('extensionNumber');
    const emails = query.getAll('email').map((email) => email.toLowerCase());

    const all: SimExtension[] = [...directory.users(), ...directory.queues()];
    const matches = all
      .filter((ext) => statuses.length === 0 || statuses.includes(ext.status))
      .filter((ext) => types.length === 0 || types.includes(isQueue(ext) ? 'Department' : 'User'))
      .filter((ext) => extensionNumber === null || ext.extensionNumber === extensionNumber)
      .filter((ext) => emails.length === 0 || (!isQueue(ext) && emails.includes(ext.email.toLowerCase())))
      .sort((a, b) => Number(a.extensionNumber) - Number(b.extensionNumber))
      .map((ext) => extensionRecord(links, ext));
    return c.json(page(matches, links.extensionsPath()));
  });

  app.get(`${ACCOUNT}/extension/:extensionId`, requireAuth, throttle('Light'), (c) => {
    const { links, directory } = scope(c);
    const extension = extensionParam(c);
    return c.json(extensionInfo(links, extension, extension.id === directory.owner().id));
  });

  app.get(`${ACCOUNT}/extension/:extensionId/device`, requireAuth, throttle('Light'), (c) => {
    const { links, query, page } = scope(c);
    const extension = extensionParam(c);
    const type = query.get('type');
    if (type !== null && !DEVICE_TYPES.includes(type)) throw invalidParameter('type', type);
    const records = isQueue(extension)
      ? [] // Call queues have no devices of their own.
      : extension.devices
          .filter((device) => type === null || device.type === type)
          .map((device) => deviceRecord(links, device, extension));
    return c.json(page(records, `${links.extensionPath(extension.id)}/device`));
  });

  app.get(`${ACCOUNT}/extension/:extensionId/presence`, requireAuth, throttle('Light'), (c) => {
    const { links, query } = scope(c);
    const extension = extensionParam(c);
    const detailed = query.get('detailedTelephonyState')?.toLowerCase() === 'true';
    const calls = isQueue(extension) ? [] : c.get('sim').calls.activeCallsFor(extension.id);
    return c.json(presenceRecord(links, extension, calls, detailed));
  });

  app.get(`${ACCOUNT}/call-queues`, requireAuth, throttle('Medium'), (c) => {
    const { links, directory, query, page } = scope(c);
    const memberId = query.get('memberExtensionId');
    const records = directory
      .queues()
      .filter((queue) => memberId === null || queue.memberIds.some((id) => String(id) === memberId))
      .map((queue) => callQueueRecord(links, queue));
    return c.json(page(records, links.callQueuesPath()));
  });

  app.get(`${ACCOUNT}/call-queues/:groupId`, requireAuth, throttle('Light'), (c) => {
    const { links } = scope(c);
    return c.json(callQueueDetails(links, queueParam(c)));
  });

  app.get(`${ACCOUNT}/call-queues/:groupId/members`, requireAuth, throttle('Light'), (c) => {
    const { links, page } = scope(c);
    const queue = queueParam(c);
    const records = members(c, queue).map((member) => callQueueMemberRecord(links, member));
    return c.json(page(records, `${links.callQueuePath(queue.id)}/members`));
  });

  app.get(`${ACCOUNT}/call-queues/:groupId/presence`, requireAuth, throttle('Light'), (c) => {
    scope(c);
    const queue = queueParam(c);
    return c.json({ records: members(c, queue).map((member) => callQueueMemberPresence(queue, member)) });
  });

  app.get(`${ACCOUNT}/device/:deviceId/sip-info`, requireAuth, throttle('Light'), (c) => {
    const { directory } = scope(c);
    const deviceId = c.req.param('deviceId');
    const device = directory.device(deviceId);
    if (!device) throw notFound('deviceId', deviceId);
    const proxy = `127.0.0.1:${sipPort(c)}`;
    return c.json({
      domain: device.sip.domain,
      // One listener serves both transports in the simulator, so both entries point at it.
      outboundProxies: [{ region: 'NA', proxy, proxyTLS: proxy }],
      userName: device.sip.userName,
      password: device.sip.password,
      authorizationId: device.sip.authorizationId,
    });
  });

  return app;
}

/** What every handler needs: the account checked, links for `uri` fields, the query, and paging. */
function scope(c: Ctx) {
  const sim = c.get('sim');
  checkAccountId(sim.directory, c.req.param('accountId') ?? '');
  const query = new URL(c.req.url).searchParams;
  return {
    directory: sim.directory,
    links: new RcLinks(sim.options.publicUrl, sim.directory.accountId),
    query,
    /** One page of a list whose canonical path is `path` (page/perPage are read only by list routes). */
    page: <T>(items: readonly T[], path: string) =>
      paginate(items, parsePageRequest(query), listUrl(sim.options.publicUrl, path, query)),
  };
}

function extensionParam(c: Ctx): SimExtension {
  const raw = c.req.param('extensionId') ?? '';
  const id = numericId(raw, 'extensionId', c.get('auth').extensionId);
  const { directory } = c.get('sim');
  const extension = directory.userById(id) ?? directory.queueById(id);
  if (!extension) throw notFound('extensionId', raw);
  return extension;
}

function queueParam(c: Ctx): SimQueue {
  const raw = c.req.param('groupId') ?? '';
  const queue = c.get('sim').directory.queueById(numericId(raw, 'groupId'));
  if (!queue) throw notFound('groupId', raw);
  return queue;
}

function members(c: Ctx, queue: SimQueue): SimUser[] {
  const { directory } = c.get('sim');
  return queue.memberIds.flatMap((id) => directory.userById(id) ?? []);
}

/** Repeatable enum query values (`type=User&type=Department`); empty values are ignored, unknown ones refused. */
function enumValues(query: URLSearchParams, name: string, allowed: readonly string[]): string[] {
  const values = query.getAll(name).filter((value) => value !== '');
  for (const value of values) if (!allowed.includes(value)) throw invalidParameter(name, value);
  return values;
}

/** The SIP listener's bound port (startSimulator puts it in the options), so port 0 works. */
function sipPort(c: Ctx): number {
  return c.get('sim').options.sipPort ?? DEFAULT_SIP_PORT;
}
