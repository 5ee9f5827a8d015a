/**
 * `hold-hunter <command>`: serve (the app; demo mode with the embedded simulator), simulator (alone), detect
 * (replay a recording through the live-agent detector). Commands load lazily: `detect` needs no server stack.
 */
import { ConfigError, loadConfig } from '../config.ts';

const USAGE = `Usage: hold-hunter <command>

Commands:
  serve       Run the dashboard and API on $PORT (3000). Without RingCentral credentials it runs in demo
              mode against the embedded RingCentral simulator on $SIM_PORT (4010).
  simulator   Run the RingCentral simulator alone on $SIM_PORT (4010), SIP over TLS on $SIM_SIP_PORT (5096).
  detect      Replay a WAV recording through the live-agent detector; one JSON line per decision
              (hold-hunter detect --help).
  user        Manage dashboard users: add (e.g. the first admin), list, reset-password, logout, unlock,
              remove (hold-hunter user --help).
  help        Show this text.

Configuration comes from the environment; see README.md.`;

async function main(argv: string[]): Promise<number> {
  const command = argv[0] ?? 'help';
  if (command === 'help' || command === '--help' || command === '-h') {
    console.log(USAGE);
    return 0;
  }
  if (command === 'detect') return (await import('./detect-command.ts')).runDetectCommand(argv.slice(1));
  if (command === 'user') {
    const { runUserCommand } = await import('./user-command.ts');
    return runUserCommand(argv.slice(1), process.env.REDIS_URL?.trim() || 'redis://127.0.0.1:6379');
  }
  if (command !== 'serve' && command !== 'simulator') {
    console.error(`Unknown command "${command}".\n\n${USAGE}`);
    return 2;
  }
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      return 78; // EX_CONFIG
    }
    throw error;
  }
  if (command === 'serve') await (await import('./serve-command.ts')).runServe(config);
  else await (await import('./simulator-command.ts')).runSimulator(config);
  return -1; // keeps running until a signal
}

const code = await main(process.argv.slice(2));
if (code >= 0) process.exit(code);
