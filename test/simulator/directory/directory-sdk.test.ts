/** The official SDK, unchanged, reads the directory over HTTP: auth header, array queries, absolute nextPage links. */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { SDK } from '@ringcentral/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from './directory-harness.ts';

let h: Harness;
let server: ReturnType<typeof serve> | undefined;
let sdk: SDK;

beforeAll(async () => {
  h = createHarness();
  const address = await new Promise<AddressInfo>((resolve) => {
    server = serve({ fetch: h.app.fetch, port: 0, hostname: '127.0.0.1' }, resolve);
  });
  const url = `http://127.0.0.1:${address.port}`;
  h.setPublicUrl(url);
  sdk = new SDK({ server: url, clientId: 'app', clientSecret: 'secret' });
  // Tokens come from the harness's TokenStore; the token endpoint is another module's business.
  await sdk.platform().auth().setData({
    token_type: 'bearer',
    access_token: h.token,
    expires_in: '3600',
    refresh_token: 'unused',
    refresh_token_expires_in: '604800',
  });
});

afterAll(() => {
  server?.close();
});

describe('directory through @ringcentral/sdk', () => {
  it('pages through users and queues with the SDK following navigation.nextPage', async () => {
    const platform = sdk.platform();
    let res = await platform.get('/restapi/v1.0/account/~/extension', { type: ['User', 'Department'], perPage: 40 });
    const ids: number[] = [];
    for (;;) {
      const body = (await res.json()) as { records: { id: number }[]; navigation: { nextPage?: { uri: string } } };
      ids.push(...body.records.map((r) => r.id));
      if (!body.navigation.nextPage) break;
      expect(body.navigation.nextPage.uri).toContain('type=User&type=Department&page=');
      res = await platform.get(body.navigation.nextPage.uri);
    }
    expect(ids).toHaveLength(147);
    expect(new Set(ids).size).toBe(147);
  });

  it('reads presence with a boolean query and throws the RingCentral error for a 404', async () => {
    const platform = sdk.platform();
    const presence = (await (await platform.get('/restapi/v1.0/account/~/extension/~/presence', { detailedTelephonyState: true })).json()) as {
      telephonyStatus: string;
      activeCalls: unknown[];
    };
    expect(presence).toMatchObject({ telephonyStatus: 'NoCall', activeCalls: [] });
    await expect(platform.get('/restapi/v1.0/account/~/call-queues/1')).rejects.toThrow(
      'Resource for parameter [groupId] is not found',
    );
  });
});
