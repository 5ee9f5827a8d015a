/** Runs `hold-hunter serve` as a real child process on free ports and waits for its dashboard URL. */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface SpawnedApp {
  url: string;
  process: ChildProcess;
  output: () => string;
  stop(): Promise<void>;
}

const BIN = fileURLToPath(new URL('../../bin/hold-hunter.js', import.meta.url));

export function spawnApp(env: Record<string, string> = {}, timeoutMs = 20_000): Promise<SpawnedApp> {
  const child = spawn(process.execPath, [BIN, 'serve'], {
    env: { ...process.env, PORT: '0', SIM_PORT: '0', SIM_SIP_PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let stopping = false;
  const stop = (): Promise<void> =>
    new Promise((resolve) => {
      stopping = true;
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`app did not start within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /"url":"(http:\/\/localhost:\d+)".*dashboard listening/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve({ url: match[1], process: child, output: () => output, stop });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`app exited with ${code}:\n${output}`));
      // An app that dies under a running test leaves only "connection refused" behind: say why it died.
      if (!stopping) process.stderr.write(`hold-hunter serve exited unexpectedly (code ${code}, signal ${signal}); its last output:\n${output.slice(-8_000)}\n`);
    });
  });
}
