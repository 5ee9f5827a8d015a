/**
 * The load balancer in front of a deployment's instances, for benches: one address (what every instance puts in
 * PUBLIC_URL, as on Fly), each incoming TCP connection piped to the next instance in turn. Without it each instance
 * subscribes with its own address and their subscription keepers replace each other's subscription every minute,
 * losing the notifications of each gap — which a real deployment, with one public URL, never does.
 */
import net from 'node:net';

export interface RoundRobinProxy {
  url: string;
  /** Where connections go, in turn. Connections that arrive before the first target wait for it. */
  setTargets(ports: number[]): void;
  close(): Promise<void>;
}

export async function startRoundRobinProxy(): Promise<RoundRobinProxy> {
  let targets: number[] = [];
  let next = 0;
  const sockets = new Set<net.Socket>();
  // An instance's first subscription handshake can arrive before the bench has seen it answer /healthz.
  let waiting: net.Socket[] = [];
  const route = (client: net.Socket): void => {
    const port = targets[next++ % targets.length] as number;
    const upstream = net.connect(port, '127.0.0.1');
    sockets.add(upstream);
    upstream.once('close', () => sockets.delete(upstream));
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    client.pipe(upstream).pipe(client);
    const drop = (): void => {
      client.destroy();
      upstream.destroy();
    };
    client.once('error', drop);
    upstream.once('error', drop);
  };
  const server = net.createServer((client) => {
    sockets.add(client);
    client.once('close', () => sockets.delete(client));
    client.on('error', () => client.destroy());
    if (targets.length === 0) waiting.push(client);
    else route(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    setTargets(ports) {
      targets = [...ports];
      if (targets.length === 0) return;
      for (const client of waiting) if (!client.destroyed) route(client);
      waiting = [];
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
