/**
 * Runs the Dockerfile's build and start steps without Docker (this machine has none), to prove the image works:
 * every stage gets a directory of its own under a temp dir, `WORKDIR`/`COPY`/`RUN`/`ENV` are replayed there in
 * order (COPY from the build context honours .dockerignore's "copy only these" list), then the final stage's
 * `CMD` starts with the image's `ENV` and this run's overrides, and must answer `GET /readyz` with 200, pass the
 * `HEALTHCHECK` command, and exit 0 on SIGTERM.
 *
 *   npx tsx scripts/docker-steps.ts [--keep]
 *
 * Environment: REDIS_URL (default redis://127.0.0.1:6379). The app starts in demo mode (its own simulator on free
 * ports) unless RC_* are set. Prints one JSON line per step and a summary; exit 0 when everything passed.
 * `npm ci` reads the local npm cache first (npm_config_prefer_offline), so a run takes seconds, not minutes.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface DockerInstruction {
  op: string;
  /** Flags such as --from=deps or --mount=… */
  flags: Record<string, string>;
  /** The rest of the line (shell form), continuation lines joined. */
  args: string;
  /** Exec form (JSON array) when given that way. */
  exec?: string[];
}

export interface DockerStage {
  name: string;
  from: string;
  instructions: DockerInstruction[];
}

export interface ParsedDockerfile {
  args: Record<string, string>;
  stages: DockerStage[];
}

/** Parses the subset of Dockerfile syntax our Dockerfile uses; anything else is an error, not silently skipped. */
export function parseDockerfile(text: string): ParsedDockerfile {
  const lines: string[] = [];
  let current = '';
  for (const raw of text.split('\n')) {
    if (/^\s*#/.test(raw) && current === '') continue;
    const line = raw.replace(/\s+$/, '');
    if (line.endsWith('\\')) {
      current += `${line.slice(0, -1)} `;
      continue;
    }
    current += line;
    if (current.trim() !== '') lines.push(current.trim());
    current = '';
  }
  const args: Record<string, string> = {};
  const stages: DockerStage[] = [];
  const substitute = (value: string): string => value.replace(/\$\{(\w+)\}|\$(\w+)/g, (_, a: string | undefined, b: string | undefined) => args[(a ?? b) as string] ?? '');
  for (const line of lines) {
    const match = /^(\w+)\s+(.*)$/s.exec(line);
    if (!match) throw new Error(`cannot read Dockerfile line: ${line}`);
    const op = (match[1] as string).toUpperCase();
    let rest = match[2] as string;
    const flags: Record<string, string> = {};
    for (;;) {
      const flag = /^--([\w-]+)=(\S+)\s+/.exec(rest);
      if (!flag) break;
      flags[flag[1] as string] = flag[2] as string;
      rest = rest.slice(flag[0].length);
    }
    let exec: string[] | undefined;
    if (op !== 'RUN' && op !== 'HEALTHCHECK' && rest.startsWith('[')) exec = JSON.parse(rest) as string[];
    if (op === 'HEALTHCHECK') {
      const hc = /^((?:--[\w-]+=\S+\s+)*)CMD\s+(.*)$/.exec(rest);
      if (!hc) throw new Error(`HEALTHCHECK needs CMD: ${line}`);
      for (const f of (hc[1] ?? '').trim().split(/\s+/).filter(Boolean)) {
        const [k, v] = f.replace(/^--/, '').split('=');
        flags[k as string] = v as string;
      }
      exec = JSON.parse(hc[2] as string) as string[];
    }
    if (op === 'ARG' && stages.length === 0) {
      const [name, value] = rest.split('=');
      args[name as string] = value ?? '';
      continue;
    }
    if (op === 'FROM') {
      const from = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(rest);
      if (!from) throw new Error(`cannot read FROM: ${line}`);
      stages.push({ from: substitute(from[1] as string), name: from[2] ?? String(stages.length), instructions: [] });
      continue;
    }
    const stage = stages.at(-1);
    if (!stage) throw new Error(`${op} before FROM`);
    if (!['WORKDIR', 'COPY', 'RUN', 'ENV', 'USER', 'EXPOSE', 'HEALTHCHECK', 'STOPSIGNAL', 'CMD', 'ARG'].includes(op)) throw new Error(`docker-steps does not know ${op}: add it here or keep the Dockerfile simpler`);
    stage.instructions.push({ op, flags, args: rest, ...(exec ? { exec } : {}) });
  }
  return { args, stages };
}

/** `ENV A=1 B="two words"` → {A: '1', B: 'two words'}. */
export function parseEnv(args: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of args.matchAll(/(\w+)=("([^"]*)"|\S+)/g)) out[m[1] as string] = m[3] ?? (m[2] as string);
  return out;
}

/** The final stage: what `docker run` starts. */
export function runtimeOf(parsed: ParsedDockerfile): { stage: DockerStage; env: Record<string, string>; cmd: string[]; user?: string; healthcheck?: DockerInstruction; workdir: string; expose: string[] } {
  const stage = parsed.stages.at(-1);
  if (!stage) throw new Error('no stage');
  let env: Record<string, string> = {};
  let cmd: string[] | undefined;
  let user: string | undefined;
  let healthcheck: DockerInstruction | undefined;
  let workdir = '/';
  const expose: string[] = [];
  for (const i of stage.instructions) {
    if (i.op === 'ENV') env = { ...env, ...parseEnv(i.args) };
    if (i.op === 'CMD') cmd = i.exec ?? ['sh', '-c', i.args];
    if (i.op === 'USER') user = i.args.trim();
    if (i.op === 'HEALTHCHECK') healthcheck = i;
    if (i.op === 'WORKDIR') workdir = i.args.trim();
    if (i.op === 'EXPOSE') expose.push(...i.args.trim().split(/\s+/));
  }
  if (!cmd) throw new Error('the final stage has no CMD');
  return { stage, env, cmd, ...(user ? { user } : {}), ...(healthcheck ? { healthcheck } : {}), workdir, expose };
}

/** .dockerignore as we write it: `*` then `!path` entries to let in, then patterns to leave out again. */
function contextFilter(root: string): (relative: string) => boolean {
  const file = join(root, '.dockerignore');
  if (!existsSync(file)) return () => true;
  const rules = readFileSync(file, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const toRegex = (pattern: string): RegExp =>
    new RegExp(`^${pattern.replace(/\/$/, '').replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*\*\//g, '(?:.*/)?').replace(/\*/g, '[^/]*')}(?:/.*)?$`);
  const compiled = rules.map((r) => ({ allow: r.startsWith('!'), re: toRegex(r.replace(/^!/, '')) }));
  return (relative) => {
    let included = true;
    for (const rule of compiled) if (rule.re.test(relative)) included = rule.allow;
    return included;
  };
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? done(address.port) : fail(new Error('no port'))));
    });
  });
}

const log = (step: Record<string, unknown>): void => console.log(JSON.stringify(step));

export async function replay(options: { root: string; keep?: boolean; env?: Record<string, string> }): Promise<boolean> {
  const { root } = options;
  const parsed = parseDockerfile(readFileSync(join(root, 'Dockerfile'), 'utf8'));
  const work = mkdtempSync(join(tmpdir(), 'hh-docker-steps-'));
  const inContext = contextFilter(root);
  const stageRoot = (name: string): string => join(work, name.replace(/[^\w.-]/g, '_'));
  const started = Date.now();
  let ok = true;
  try {
    for (const stage of parsed.stages) {
      const base = stageRoot(stage.name);
      mkdirSync(base, { recursive: true });
      let cwd = '/';
      let env: Record<string, string> = {};
      const at = (path: string): string => join(base, path.startsWith('/') ? path : join(cwd, path));
      log({ stage: stage.name, from: stage.from });
      for (const i of stage.instructions) {
        const t0 = Date.now();
        if (i.op === 'WORKDIR') {
          cwd = resolve(cwd, i.args.trim());
          mkdirSync(at(cwd), { recursive: true });
        } else if (i.op === 'ENV') {
          env = { ...env, ...parseEnv(i.args) };
        } else if (i.op === 'COPY') {
          const parts = i.exec ?? i.args.trim().split(/\s+/);
          const dest = parts.at(-1) as string;
          for (const source of parts.slice(0, -1)) {
            const from = i.flags.from ? join(stageRoot(i.flags.from), source.startsWith('/') ? source : join('/app', source)) : join(root, source);
            const to = dest.endsWith('/') ? join(at(dest), source.split('/').filter(Boolean).at(-1) as string) : at(dest);
            const strip = (p: string) => p.slice(root.length + 1);
            cpSync(from, to, { recursive: true, filter: (p) => i.flags.from !== undefined || p === root || inContext(strip(p)) });
          }
        } else if (i.op === 'RUN') {
          // BuildKit cache mounts only speed up a build; here the local npm cache plays that part.
          const result = spawnSync('sh', ['-c', i.args], { cwd: at(cwd), env: { ...process.env, ...env, npm_config_prefer_offline: 'true' }, encoding: 'utf8' });
          if (result.status !== 0) {
            log({ step: 'RUN', command: i.args, ok: false, output: `${result.stdout}${result.stderr}`.slice(-2000) });
            return false;
          }
        }
        log({ step: i.op, args: i.exec ? i.exec.join(' ') : i.args, ms: Date.now() - t0 });
      }
    }
    const runtime = runtimeOf(parsed);
    const appDir = join(stageRoot(runtime.stage.name), runtime.workdir);
    const devOnly = Object.keys((JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { devDependencies?: Record<string, string> }).devDependencies ?? {});
    const leaked = devOnly.filter((name) => existsSync(join(appDir, 'node_modules', name)));
    log({ step: 'check', what: 'no devDependencies in the image', ok: leaked.length === 0, ...(leaked.length ? { leaked } : {}) });
    ok &&= leaked.length === 0;
    const tests = findTests(join(appDir, 'src'));
    log({ step: 'check', what: 'no test files in the image', ok: tests.length === 0 });
    ok &&= tests.length === 0;

    const port = await freePort();
    const env = { ...process.env, ...runtime.env, PORT: String(port), SIM_PORT: '0', SIM_SIP_PORT: '0', REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', ...options.env };
    const [command, ...commandArgs] = runtime.cmd as [string, ...string[]];
    const t0 = Date.now();
    const child = spawn(command === 'node' ? process.execPath : command, commandArgs, { cwd: appDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    let ready: { status: number; body: string } | undefined;
    for (let i = 0; i < 300 && child.exitCode === null; i++) {
      try {
        const response = await fetch(`http://127.0.0.1:${port}/readyz`);
        ready = { status: response.status, body: await response.text() };
        if (response.status === 200) break;
      } catch {
        // Not listening yet.
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    log({ step: 'start', cmd: runtime.cmd.join(' '), readyz: ready?.status ?? 'no answer', body: ready?.body, ms: Date.now() - t0 });
    ok &&= ready?.status === 200;
    if (runtime.healthcheck?.exec) {
      const [hcCommand, ...hcArgs] = runtime.healthcheck.exec as [string, ...string[]];
      const hc = spawnSync(hcCommand === 'node' ? process.execPath : hcCommand, hcArgs, { cwd: appDir, env, encoding: 'utf8', timeout: 10_000 });
      log({ step: 'check', what: 'HEALTHCHECK command passes', ok: hc.status === 0 });
      ok &&= hc.status === 0;
    }
    const t1 = Date.now();
    child.kill('SIGTERM');
    const code = await Promise.race([exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 30_000))]);
    if (code === 'timeout') child.kill('SIGKILL');
    log({ step: 'stop', signal: 'SIGTERM', exitCode: code, ms: Date.now() - t1 });
    ok &&= code === 0;
    if (!ok) console.error(output.slice(-4000));
    log({ summary: ok ? 'passed' : 'FAILED', ms: Date.now() - started, dir: options.keep ? work : undefined });
    return ok;
  } finally {
    if (!options.keep) rmSync(work, { recursive: true, force: true });
  }
}

function findTests(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => /\.test\.tsx?$/.test(f));
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const ok = await replay({ root, keep: process.argv.includes('--keep') });
  process.exit(ok ? 0 : 1);
}
