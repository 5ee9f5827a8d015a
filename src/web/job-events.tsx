/**
 * `GET /jobs/:id/events`: the live board over SSE. Any instance serves any viewer: the engine's step updates
 * arrive through Redis pub/sub (`JobLiveFeed`), and each message sent carries the id of the newest history stream
 * entry it reflects, so a reconnect (`Last-Event-ID`, or `?after=` from the first page load) replays exactly the
 * entries it missed from `hh:{job:<id>}:history`, then the current board.
 *
 * Events: `log` (one history entry, id = its stream id), `board` (the whole board fragment, id = newest entry).
 * A comment every `heartbeatMs` keeps proxies from closing an idle stream.
 */
import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { JobCommands } from '../engine/job-commands.ts';
import { jobKeys } from '../store/redis-keys.ts';
import { HistoryItem } from '../../views/board/history-item.tsx';
import { JobBoard } from '../../views/board/job-board.tsx';
import { historyAfter, loadBoard } from './board-data.ts';
import { afterQuery, pageQuery, streamIdValue } from './page-queries.ts';
import type { JobLiveFeed } from './job-live-feed.ts';

export interface JobEventsDeps {
  jobs: JobCommands;
  redis: Redis;
  feed: JobLiveFeed;
  log?: Logger;
  /** Default 15 s (Fly closes idle connections after 60 s). */
  heartbeatMs?: number;
  /** Updates closer together than this are sent as one board (default 200 ms). */
  coalesceMs?: number;
}

export function jobEvents(c: Context, jobId: string, deps: JobEventsDeps): Response {
  const heartbeatMs = deps.heartbeatMs ?? 15_000;
  const coalesceMs = deps.coalesceMs ?? 200;
  const resumeFrom = streamIdValue.parse(c.req.header('Last-Event-ID')) ?? pageQuery(c, afterQuery).after;
  return streamSSE(c, async (stream) => {
    let closed = false;
    let cursor = resumeFrom;
    let running: Promise<void> | undefined;
    let again = false;
    let timer: NodeJS.Timeout | undefined;

    const flush = async (): Promise<void> => {
      if (cursor === undefined) {
        // A viewer with nothing to resume from starts at the newest entry: the board carries everything else.
        const newest = (await deps.redis.xrevrange(jobKeys(jobId).history, '+', '-', 'COUNT', 1)) as [string, string[]][];
        cursor = newest[0]?.[0];
        if (cursor === undefined) cursor = '0-0';
      } else {
        for (;;) {
          const entries = await historyAfter(deps.redis, jobId, cursor);
          for (const { id, entry } of entries) {
            if (closed) return;
            await stream.writeSSE({ event: 'log', id, data: await render(<HistoryItem id={id} entry={entry} />) });
            cursor = id;
          }
          if (entries.length < 1000) break;
        }
      }
      const board = await loadBoard(deps.jobs, deps.redis, jobId);
      if (!board || closed) return;
      await stream.writeSSE({ event: 'board', ...(cursor !== '0-0' ? { id: cursor } : {}), data: await render(<JobBoard model={board} />) });
    };

    const run = (): void => {
      if (running) {
        again = true;
        return;
      }
      running = flush()
        .catch((error: unknown) => deps.log?.warn({ err: error, jobId }, 'live board update failed'))
        .finally(() => {
          running = undefined;
          if (again && !closed) {
            again = false;
            schedule();
          }
        });
    };
    const schedule = (): void => {
      if (timer || closed) return;
      timer = setTimeout(() => {
        timer = undefined;
        run();
      }, coalesceMs);
    };

    const unsubscribe = await deps.feed.subscribe(jobId, schedule);
    stream.onAbort(() => {
      closed = true;
    });
    try {
      await stream.writeSSE({ event: 'hello', data: 'live', retry: 2000 });
      run();
      while (!closed) {
        await stream.sleep(heartbeatMs);
        if (!closed) await stream.write(': heartbeat\n\n');
      }
    } finally {
      closed = true;
      if (timer) clearTimeout(timer);
      await unsubscribe();
    }
  });
}

async function render(node: unknown): Promise<string> {
  return String(await (node as { toString(): string | Promise<string> }).toString());
}
