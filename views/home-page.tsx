/** The landing page: what the product is connected to, so an operator sees at once whether it can dial. */
import { Layout } from './layout.tsx';

export interface ConnectionStatus {
  mode: 'demo' | 'live';
  server: string;
  connected: boolean;
  /** The person the credentials log in as, when connected. */
  user?: { name: string; extensionNumber: string };
  extensions?: number;
  queues?: number;
  error?: string;
  simulatorUrl?: string;
}

export function HomePage(props: { status: ConnectionStatus }) {
  const { status } = props;
  return (
    <Layout title="Home" section="home">
      <h1>IRS Hold Hunter</h1>
      <p>
        Places many calls to the IRS Practitioner Priority Service at once, holds on every line, and hands the first
        live IRS agent to your firm.
      </p>
      {status.mode === 'demo' ? (
        <p class="banner demo" role="status">
          Demo mode: no RingCentral credentials are set, so calls go to the built-in RingCentral simulator
          {status.simulatorUrl ? ` at ${status.simulatorUrl}` : ''} with a simulated IRS line.
        </p>
      ) : null}
      <section aria-labelledby="rc-heading">
        <h2 id="rc-heading">RingCentral</h2>
        <dl class="facts">
          <dt>Server</dt>
          <dd>{status.server}</dd>
          <dt>Connection</dt>
          <dd class={status.connected ? 'ok' : 'bad'}>{status.connected ? 'Connected' : `Not connected: ${status.error ?? 'unknown error'}`}</dd>
          {status.user ? (
            <>
              <dt>Signed in as</dt>
              <dd>{`${status.user.name} (extension ${status.user.extensionNumber})`}</dd>
            </>
          ) : null}
          {status.extensions !== undefined ? (
            <>
              <dt>Extensions</dt>
              <dd>{status.extensions}</dd>
            </>
          ) : null}
          {status.queues !== undefined ? (
            <>
              <dt>Call queues</dt>
              <dd>{status.queues}</dd>
            </>
          ) : null}
        </dl>
      </section>
    </Layout>
  );
}
