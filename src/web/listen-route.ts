/**
 * Listen live (`GET /jobs/:id/calls/:callId/listen.wav`): a line's audio as an endless 16-bit PCM WAV the
 * browser's own audio element plays. μ-law is decoded here, with the ITU table (the prior MVP played μ-law bytes
 * as linear PCM: noise). While the response is open this instance marks the line as listened to, so the engine
 * thread that hears it relays its frames over Redis (src/engine/live-listen-relay.ts); any instance can serve.
 */
import { Hono } from 'hono';
import type { Redis } from 'ioredis';
import type { JobCommands } from '../engine/job-commands.ts';
import type { CallStatus } from '../engine/hunt-types.ts';
import { decodeMuLaw } from '../media/mu-law.ts';
import { streamingPcmWavHeader } from '../media/wav-writer.ts';
import type { ChannelFan } from '../store/channel-fan.ts';
import { globalKeys } from '../store/redis-keys.ts';
import { lineParams, pathParams } from './route-params.ts';

/** Lines with a call that can be heard. */
const CONNECTED = new Set<CallStatus>(['dialing', 'ivr', 'holding', 'suspected-live', 'confirmed', 'transferring']);

export interface ListenRouteOptions {
  redis: Redis;
  jobs: JobCommands;
  fan: ChannelFan;
  /** How long a mark lasts without a refresh, ms (default 15 s; refreshed every third of it). */
  markMs?: number;
  /** No audio for this long ends the stream (the call ended), ms (default 10 s). */
  idleMs?: number;
}

export function listenRoute(options: ListenRouteOptions): Hono {
  const app = new Hono();
  const markMs = options.markMs ?? 15_000;
  const idleMs = options.idleMs ?? 10_000;

  app.get('/jobs/:id/calls/:callId/listen.wav', async (c) => {
    const { id, callId } = c.req.param();
    const job = pathParams(c, lineParams) ? await options.jobs.get(id) : undefined;
    const call = job?.calls.find((candidate) => candidate.callId === callId);
    if (!job || !call) return c.text(`No line ${callId} in hunt ${id}.`, 404);
    const sessionId = call.telephonySessionId;
    if (!sessionId || !CONNECTED.has(call.status)) return c.text(`Line ${callId} is not connected now (${call.status}): there is nothing to hear.`, 409);

    const mark = () => options.redis.zadd(globalKeys.listening, Date.now() + markMs, sessionId);
    let stop: (() => Promise<void>) | undefined;
    let closed = false;
    const stream = new ReadableStream<Uint8Array>({
      async start(controller) {
        controller.enqueue(streamingPcmWavHeader(8000));
        let idle: NodeJS.Timeout | undefined;
        const finish = () => {
          closed = true;
          clearTimeout(idle);
          void stop?.();
          try {
            controller.close();
          } catch {
            // already closed by the client
          }
        };
        const armIdle = () => {
          clearTimeout(idle);
          idle = setTimeout(finish, idleMs);
        };
        const unsubscribe = await options.fan.subscribe(globalKeys.lineAudio(sessionId), (chunk) => {
          // Audio can still arrive between the stream's end and the unsubscribe: an enqueue then would throw
          // inside the Redis client's event handler and take the process down.
          if (closed) return;
          armIdle();
          const pcm = decodeMuLaw(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length));
          // Int16Array is little-endian on every platform Node runs here, as WAV wants.
          try {
            controller.enqueue(new Uint8Array(pcm.buffer, pcm.byteOffset, pcm.byteLength));
          } catch {
            finish();
          }
        });
        const refresh = setInterval(() => void mark(), Math.max(100, markMs / 3));
        await mark();
        armIdle();
        stop = async () => {
          stop = undefined;
          clearInterval(refresh);
          clearTimeout(idle);
          // The mark is left to expire: another browser may still be listening to the same line.
          await unsubscribe();
        };
        // The browser may have gone while we subscribed: cancel() found nothing to stop then.
        if (closed) await stop();
      },
      async cancel() {
        closed = true;
        await stop?.();
      },
    });
    return new Response(stream, { headers: { 'Content-Type': 'audio/wav', 'Cache-Control': 'no-store' } });
  });

  return app;
}
