/**
 * `npm run inspect:statecharts`: the local bridge between the app and the Stately inspector UI. Start it, then the
 * app with XSTATE_INSPECT_URL=ws://localhost:8080 (development only); the browser page it opens shows every hunt's
 * job and call actors live, phone numbers masked. INSPECT_PORT changes the port; --no-open keeps the browser shut.
 */
import { createInspectorServer } from '@statelyai/inspect/server';

const port = Number(process.env.INSPECT_PORT ?? 8080);
if (!Number.isInteger(port) || port < 1 || port > 65_535) {
  console.error(`INSPECT_PORT must be a port number (1-65535), got ${process.env.INSPECT_PORT}`);
  process.exit(2);
}
createInspectorServer({ port, autoOpen: !process.argv.includes('--no-open') });
console.log(`statechart inspector bridge on ws://localhost:${port} (UI: http://localhost:${port}); start the app with XSTATE_INSPECT_URL=ws://localhost:${port}`);
