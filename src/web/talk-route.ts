/**
 * Talk-through (`POST /jobs/:id/calls/:callId/talk`): the operator's voice onto a line, so a person answers the
 * IRS voice check (or speaks to whoever is on the line) while listening with Listen. The browser (static/talk.js)
 * sends what its microphone captured as 8 kHz μ-law, about 100 ms per request, in order; this route checks the
 * request and the line and publishes the frames on the line's Redis channel, where the engine thread holding the
 * line's SIP call sends them as RTP (src/engine/talk-through.ts). Any instance can serve it.
 *
 * Plain POSTs rather than a WebSocket: they pass through the dashboard's auth and CSRF middleware like every other
 * operator action, need no upgrade handling in the server, and 100 ms requests add little to a conversation's delay.
 */
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { Redis } from 'ioredis';
import type { CallStatus, JobStatus } from '../engine/hunt-types.ts';
import type { JobCommands } from '../engine/job-commands.ts';
import { TALK_FRAME_BYTES } from '../engine/talk-through.ts';
import { globalKeys } from '../store/redis-keys.ts';
import { lineParams, pathParams } from './route-params.ts';
import { mediaType } from './request-headers.ts';

/** Lines whose far end has answered and that are still ours: there is someone to talk to (the board shows Talk on them). */
export const TALKABLE: ReadonlySet<CallStatus> = new Set<CallStatus>(['ivr', 'holding', 'suspected-live', 'confirmed']);
const RUNNING = new Set<JobStatus>(['starting', 'hunting', 'connecting']);
/** Two seconds of audio per request at most (the browser sends about 100 ms). */
export const MAX_TALK_BYTES = 100 * TALK_FRAME_BYTES;
const AUDIO_TYPE = 'application/octet-stream';

export interface TalkRouteOptions {
  redis: Redis;
  jobs: JobCommands;
}

export function talkRoute(options: TalkRouteOptions): Hono {
  const app = new Hono();
  const limit = bodyLimit({
    maxSize: MAX_TALK_BYTES,
    onError: (c) => c.text(`Too much audio in one request: at most ${MAX_TALK_BYTES} bytes (2 s of 8 kHz μ-law).`, 413),
  });

  app.post('/jobs/:id/calls/:callId/talk', limit, async (c) => {
    const type = mediaType.parse(c.req.header('content-type'));
    if (type !== AUDIO_TYPE) return c.text(`Send the audio as ${AUDIO_TYPE} (8 kHz μ-law), not ${type || 'nothing'}.`, 415);
    const body = new Uint8Array(await c.req.arrayBuffer());
    if (body.length === 0 || body.length % TALK_FRAME_BYTES !== 0) {
      return c.text(`The audio must be whole 20 ms frames of 8 kHz μ-law (a multiple of ${TALK_FRAME_BYTES} bytes); got ${body.length}.`, 400);
    }
    const { id, callId } = c.req.param();
    const params = pathParams(c, lineParams);
    const job = params ? await options.jobs.get(params.id) : undefined;
    const call = job?.calls.find((candidate) => candidate.callId === callId);
    if (!job || !call) return c.text(`No line ${callId} in hunt ${id}.`, 404);
    if (!RUNNING.has(job.status)) return c.text(`Hunt ${id} is over (${job.status}): nobody to talk to.`, 409);
    if (job.detection.mode !== 'audio') return c.text('This hunt places its lines by call-out: they carry no audio, so there is no line to talk on.', 409);
    const sessionId = call.telephonySessionId;
    if (!sessionId || !TALKABLE.has(call.status)) return c.text(`Line ${callId} has nobody to talk to now (${call.status}).`, 409);
    await options.redis.publish(globalKeys.lineTalk(sessionId), Buffer.from(body.buffer, body.byteOffset, body.byteLength));
    return c.body(null, 204);
  });

  return app;
}
