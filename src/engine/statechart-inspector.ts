/**
 * Engineers watch the hunts' statecharts live (issue 5): with XSTATE_INSPECT_URL set (development only), every job
 * actor and its call actors stream their events and snapshots to a Stately inspector over WebSocket
 * (`npm run inspect:statecharts` starts the bridge). Contexts and events are sanitized first: phone numbers are
 * masked and secret-named fields censored exactly as in the logs, so a screen share of the inspector leaks no
 * taxpayer's or firm's number. Production has no inspector (the package is a dev dependency); there the same
 * transitions reach the dashboard's call timeline through the job's history stream.
 */
import type { InspectionEvent } from 'xstate';
import type { Logger } from 'pino';
import { CENSOR, isSecretField, maskPhoneNumbers } from '../logger.ts';

// Types only: the module itself is imported when the flag is set (a production image does not have it).
import type * as InspectModuleNamespace from '@statelyai/inspect';
type InspectModule = typeof InspectModuleNamespace;

export interface StatechartInspector {
  inspect: (event: InspectionEvent) => void;
  stop(): void;
}

/** A deep copy safe to show: every string phone-masked, secret-named fields censored, actor refs by id only. */
export function sanitizeForInspector(value: unknown, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return maskPhoneNumbers(value);
  if (value === null || typeof value !== 'object') return typeof value === 'function' ? '[function]' : value;
  if (seen.has(value)) return '[circular]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((item) => sanitizeForInspector(item, seen));
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) {
    // Spawned actors in a context: their id is what the inspector needs (their own snapshots arrive separately).
    const id = (value as { id?: unknown }).id;
    return typeof id === 'string' ? { actor: maskPhoneNumbers(id) } : '[object]';
  }
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) out[key] = isSecretField(key) && field !== undefined ? CENSOR : sanitizeForInspector(field, seen);
  return out;
}

/**
 * Connects to the inspector bridge at `url` (ws:// or wss://). Resolves undefined — hunts run uninspected — when
 * @statelyai/inspect is not installed (a production image) or the inspector cannot be created.
 */
export async function startStatechartInspector(url: string, log: Pick<Logger, 'info' | 'warn'>): Promise<StatechartInspector | undefined> {
  let module: InspectModule;
  try {
    module = await import('@statelyai/inspect');
  } catch {
    log.warn({ url }, 'XSTATE_INSPECT_URL is set but @statelyai/inspect is not installed (dev dependency): statecharts are not inspected');
    return undefined;
  }
  const inspector = module.createWebSocketInspector({
    url,
    sanitizeContext: (context) => sanitizeForInspector(context) as typeof context,
    sanitizeEvent: (event) => sanitizeForInspector(event) as typeof event,
  });
  // createWebSocketInspector connects by itself (autoStart): a second start() would open a second socket.
  log.info({ url }, 'statechart inspector connected (development)');
  return {
    inspect: (event) => inspector.inspect.next?.(event),
    stop: () => inspector.stop(),
  };
}
