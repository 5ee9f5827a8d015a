/**
 * The SIP wire as the simulator writes and reads it: the codec's framing and serialisation rules that
 * ringcentral-softphone@1.3.7 depends on, digest checks, and a raw TLS client (trusting the simulator's own
 * certificate, SAN IP:127.0.0.1) sending junk, malformed messages and cutting the connection mid-message.
 */
import tls from 'node:tls';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '../../../src/simulator/simulator-server.ts';
import { SipStreamParser } from '../../../src/simulator/sip/sip-parser.ts';
import { serialise } from '../../../src/simulator/sip/sip-message.ts';
import { challenge, parseDigest, verifyDigest } from '../../../src/simulator/sip/digest-auth.ts';
import { control } from '../../support/simulator-harness.ts';
import { eventually, startSipSimulator } from './softphone-harness.ts';

const md5 = (s: string): string => createHash('md5').update(s).digest('hex');

function options(cseq: string, extra = ''): string {
  return `OPTIONS sip:sip.ringcentral.com SIP/2.0\r\nv: SIP/2.0/TLS 127.0.0.1:5060;branch=z9hG4bK-1\r\nf: <sip:a@b>;tag=1\r\nT: <sip:a@b>\r\ni: call-${cseq}\r\ncseq: ${cseq} OPTIONS\r\n${extra}l: 0\r\n\r\n`;
}

describe('SIP codec', () => {
  it('frames by Content-Length across chunks, with case-insensitive and compact header names', () => {
    const parser = new SipStreamParser();
    const body = 'v=0\r\n';
    const invite = `INVITE sip:1@x SIP/2.0\r\nVIA: v\r\nFrom: f\r\nto: t\r\nCall-Id: c1\r\nCSEQ: 7 INVITE\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
    const wire = Buffer.from(`\r\n${invite}${options('8')}`);
    const results = [...parser.push(wire.subarray(0, 30)), ...parser.push(wire.subarray(30, 100)), ...parser.push(wire.subarray(100))];
    expect(results.map((r) => r.kind)).toEqual(['message', 'message']);
    const [first, second] = results.map((r) => (r.kind === 'message' ? r.message : undefined));
    expect(first).toMatchObject({ kind: 'request', method: 'INVITE', body });
    expect(first?.headers.get('call-id')).toBe('c1');
    expect(first?.headers.get('CSeq')).toBe('7 INVITE');
    expect(second?.headers.get('Call-ID')).toBe('call-8');
    expect(second?.headers.get('to')).toBe('<sip:a@b>');
  });

  it('skips a malformed message and goes on; an unframeable stream is fatal', () => {
    const parser = new SipStreamParser();
    const results = parser.push(Buffer.from(`hello there\r\nno colon\r\n\r\n${options('9')}`));
    expect(results.map((r) => r.kind)).toEqual(['malformed', 'message']);
    expect(new SipStreamParser().push(Buffer.from('INVITE sip:x SIP/2.0\r\nContent-Length: -4\r\n\r\n')).map((r) => r.kind)).toEqual(['fatal']);
  });

  it('serialises with Content-Length last, a CRLF-terminated body, and refuses what the client cannot read', () => {
    const text = serialise({ status: 183, reason: 'Session Progress', headers: [['CSeq', '5 INVITE'], ['p-rc-api-ids', 'party-id=p;session-id=s']], body: 'v=0\nc=IN IP4 127.0.0.1' });
    expect(text).toBe('SIP/2.0 183 Session Progress\r\nCSeq: 5 INVITE\r\np-rc-api-ids: party-id=p;session-id=s\r\nContent-Length: 25\r\n\r\nv=0\r\nc=IN IP4 127.0.0.1\r\n');
    expect(serialise({ method: 'BYE', uri: 'sip:x', headers: [['CSeq', '1000000001 BYE']] })).toMatch(/\r\nContent-Length: 0\r\n\r\n$/);
    expect(() => serialise({ method: 'BYE', uri: 'sip:x', headers: [] })).toThrow(/CSeq/);
    expect(() => serialise({ method: 'BYE', uri: 'sip:x', headers: [['CSeq', '1 BYE'], ['cseq', '2 BYE']] })).toThrow(/twice/);
  });

  it("puts ', ' before the nonce and checks RFC 2069 answers like the library's", () => {
    expect(challenge('sip.ringcentral.com', 'abc')).toMatch(/, nonce="(.+?)"/);
    const ha1 = md5('1234:sip.ringcentral.com:secret');
    const response = md5(`${ha1}:abc:${md5('REGISTER:sip:sip.ringcentral.com')}`);
    const header = `Digest algorithm="MD5", username="1234", realm="sip.ringcentral.com", nonce="abc", uri="sip:sip.ringcentral.com", response="${response}"`;
    const credentials = parseDigest(header);
    expect(credentials).toMatchObject({ username: '1234', nonce: 'abc' });
    expect(verifyDigest(credentials ?? {}, 'REGISTER', 'secret', 'sip.ringcentral.com')).toBe(true);
    expect(verifyDigest(credentials ?? {}, 'REGISTER', 'wrong', 'sip.ringcentral.com')).toBe(false);
    expect(verifyDigest(credentials ?? {}, 'INVITE', 'secret', 'sip.ringcentral.com')).toBe(false);
  });
});

describe('SIP listener robustness', () => {
  let sim: RunningSimulator;

  beforeAll(async () => {
    sim = await startSipSimulator();
  });
  afterAll(async () => {
    await sim.close();
  });

  /** A TLS client that trusts only the simulator's certificate: the SAN IP:127.0.0.1 must match. */
  function connect(): Promise<{ socket: tls.TLSSocket; received: () => string }> {
    return new Promise((resolve, reject) => {
      let data = '';
      const socket = tls.connect({ host: '127.0.0.1', port: sim.sip?.port ?? 0, ca: sim.sip?.certificate.cert }, () => resolve({ socket, received: () => data }));
      socket.on('data', (chunk) => (data += chunk.toString()));
      socket.on('error', reject);
    });
  }

  it('answers after junk and malformed messages on the same connection', async () => {
    const { socket, received } = await connect();
    socket.write('\r\n\r\ntotal junk\r\nwith no headers\r\n\r\n');
    socket.write('INVITE sip:x SIP/2.0\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n'); // no Via/From/To/Call-ID
    socket.write(options('10'));
    const reply = await eventually(() => (received().includes('SIP/2.0 200 OK') ? received() : undefined), 5000, 'the OPTIONS 200');
    expect(reply).toMatch(/^SIP\/2\.0 200 OK\r\n/);
    expect(reply).toMatch(/\r\nCSeq: 10 OPTIONS\r\n/);
    expect(reply).toMatch(/\r\nContent-Length: 0\r\n\r\n$/);
    socket.destroy();
  });

  it('survives a bad Content-Length and a connection cut mid-message', async () => {
    const first = await connect();
    const closed = new Promise((resolve) => first.socket.once('close', resolve));
    first.socket.write('INVITE sip:x SIP/2.0\r\nContent-Length: nope\r\n\r\n');
    await closed; // the stream cannot be framed any more: the simulator closes it
    const second = await connect();
    second.socket.write('INVITE sip:1@x SIP/2.0\r\nVia: SIP/2.0/TLS 1.2.3.4;branch=z9hG4bK-2\r\nContent-Length: 500\r\n\r\nv=0');
    second.socket.destroy();
    const status = await eventually(async () => {
      const s = await control(sim, 'GET', '/_sim/sip');
      return s.connections === 0 ? s : undefined;
    }, 5000, 'connections closed');
    expect(status.calls).toEqual([]);
  });
});
