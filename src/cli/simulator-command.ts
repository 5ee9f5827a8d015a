import type { Config } from '../config.ts';
import { createLogger } from '../logger.ts';
import { startSimulator } from '../simulator/simulator-server.ts';
import { simulatorOptionsFromConfig } from './simulator-options.ts';
import { onShutdown } from './on-shutdown.ts';

export async function runSimulator(config: Config): Promise<void> {
  const log = createLogger(config.LOG_LEVEL);
  const simulator = await startSimulator(simulatorOptionsFromConfig(config, log));
  onShutdown(log, () => simulator.close());
}
