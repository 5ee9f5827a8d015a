/**
 * Who is asking: a request's digest answer checked against the sip-info credentials of one of the account's
 * devices (`GET …/device/{id}/sip-info`: userName, password, authorizationId, domain as realm). Only "Existing
 * Phone" (`OtherPhone`) devices may use SIP this way, as on RingCentral (research/ringcentral.md §2).
 */
import type { Directory, SimDevice } from '../directory/directory-types.ts';
import type { SipRequest } from './sip-message.ts';
import { uriUser } from './sip-message.ts';
import { parseDigest, verifyDigest } from './digest-auth.ts';
import type { NonceBook } from './digest-auth.ts';

export type AuthOutcome =
  | { kind: 'challenge'; realm: string }
  | { kind: 'forbidden'; reason: string }
  | { kind: 'ok'; device: SimDevice };

/** The account's domain when the request names none we know (every seeded device shares one). */
function realmFor(directory: Directory): string {
  return directory.owner().devices[0]?.sip.domain ?? 'sip.ringcentral.com';
}

export function findDeviceByAuthorizationId(directory: Directory, authorizationId: string): SimDevice | undefined {
  for (const user of directory.users()) {
    const device = user.devices.find((d) => d.sip.authorizationId === authorizationId);
    if (device) return device;
  }
  return undefined;
}

/** Checks `Authorization` (REGISTER) or `Proxy-Authorization` (INVITE). No header, or a stale nonce: challenge. */
export function authenticate(request: SipRequest, header: 'authorization' | 'proxy-authorization', directory: Directory, nonces: NonceBook): AuthOutcome {
  const credentials = parseDigest(request.headers.get(header));
  if (!credentials?.username) return { kind: 'challenge', realm: realmFor(directory) };
  const device = findDeviceByAuthorizationId(directory, credentials.username);
  if (!device) return { kind: 'forbidden', reason: `no device with authorizationId ${credentials.username}` };
  if (!nonces.valid(credentials.nonce)) return { kind: 'challenge', realm: device.sip.domain };
  if (!verifyDigest(credentials, request.method, device.sip.password, device.sip.domain)) {
    return { kind: 'forbidden', reason: 'wrong password or realm' };
  }
  if (device.type !== 'OtherPhone') return { kind: 'forbidden', reason: `device ${device.id} is a ${device.type}, not an Existing Phone` };
  const fromUser = uriUser(request.headers.get('from'));
  if (fromUser !== device.sip.userName) return { kind: 'forbidden', reason: `From user ${fromUser ?? '?'} is not the device's userName` };
  return { kind: 'ok', device };
}
