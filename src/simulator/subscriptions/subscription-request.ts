/**
 * Checks create/update bodies against CreateSubscriptionRequest / UpdateSubscriptionRequest and RingCentral's error
 * codes: a missing required field is CMN-100, a present but bad one CMN-101 naming the field.
 */
import { invalidParameter, missingParameter } from '../rc-error.ts';

export const DEFAULT_EXPIRES_IN = 604_800;
export const MAX_EXPIRES_IN = 315_360_000;

export interface CreateSubscriptionInput {
  eventFilters: string[];
  address: string;
  verificationToken?: string;
  expiresIn: number;
}

export interface UpdateSubscriptionInput {
  eventFilters?: string[];
  expiresIn?: number;
}

type Body = Record<string, unknown>;

export function parseCreateRequest(body: Body): CreateSubscriptionInput {
  if (body.eventFilters === undefined || body.eventFilters === null) throw missingParameter('eventFilters');
  const eventFilters = filters(body.eventFilters);
  const mode = body.deliveryMode;
  if (mode === undefined || mode === null) throw missingParameter('deliveryMode');
  if (typeof mode !== 'object' || Array.isArray(mode)) throw invalidParameter('deliveryMode');
  const { transportType, address, verificationToken } = mode as Body;
  if (transportType === undefined || transportType === null) throw missingParameter('deliveryMode.transportType');
  // PubNub, WebSocket and the mobile transports exist at RingCentral; the simulator only speaks WebHook.
  if (transportType !== 'WebHook') throw invalidParameter('deliveryMode.transportType', transportType);
  if (address === undefined || address === null) throw missingParameter('deliveryMode.address');
  if (typeof address !== 'string' || !isHttpUrl(address)) throw invalidParameter('deliveryMode.address', address);
  if (verificationToken !== undefined && verificationToken !== null && typeof verificationToken !== 'string') {
    throw invalidParameter('deliveryMode.verificationToken');
  }
  return {
    eventFilters,
    address,
    ...(typeof verificationToken === 'string' && verificationToken !== '' ? { verificationToken } : {}),
    expiresIn: expiresIn(body.expiresIn) ?? DEFAULT_EXPIRES_IN,
  };
}

/** PUT: both fields optional; an empty body just renews (the spec's description of updateSubscription). */
export function parseUpdateRequest(body: Body): UpdateSubscriptionInput {
  const out: UpdateSubscriptionInput = {};
  if (body.eventFilters !== undefined && body.eventFilters !== null) out.eventFilters = filters(body.eventFilters);
  const seconds = expiresIn(body.expiresIn);
  if (seconds !== undefined) out.expiresIn = seconds;
  return out;
}

function filters(value: unknown): string[] {
  if (!Array.isArray(value) || value.length === 0) throw invalidParameter('eventFilters');
  for (const item of value) {
    if (typeof item !== 'string' || item.trim() === '') throw invalidParameter('eventFilters', item);
  }
  return value as string[];
}

function expiresIn(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_EXPIRES_IN) {
    throw invalidParameter('expiresIn', value);
  }
  return value;
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}
