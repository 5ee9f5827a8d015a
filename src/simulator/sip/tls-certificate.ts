/**
 * The SIP listener's self-signed certificate, made at start. `ringcentral-softphone` dials 127.0.0.1 without a
 * servername, so Node checks the certificate against the IP: it carries the SAN `IP:127.0.0.1`. The PEM is also
 * written to a file, for a child process started with `NODE_EXTRA_CA_CERTS=<file>` (Node reads it only at start).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'selfsigned';

export interface TlsCertificate {
  /** PEM private key. */
  key: string;
  /** PEM certificate (also the CA to trust: it signs itself). */
  cert: string;
  /** A file holding `cert`, for NODE_EXTRA_CA_CERTS; removed by `dispose`. */
  certPath: string;
  dispose(): Promise<void>;
}

export async function makeCertificate(): Promise<TlsCertificate> {
  const now = new Date();
  const pems = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
    keyType: 'ec', // P-256: made in milliseconds, where RSA-2048 takes a noticeable part of a second
    algorithm: 'sha256',
    notBeforeDate: new Date(now.getTime() - 60_000),
    notAfterDate: new Date(now.getTime() + 365 * 86_400_000),
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'keyUsage', digitalSignature: true, keyCertSign: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 7, ip: '127.0.0.1' },
          { type: 2, value: 'localhost' },
        ],
      },
    ],
  });
  const dir = await mkdtemp(join(tmpdir(), 'hh-sim-sip-'));
  const certPath = join(dir, 'sip-cert.pem');
  await writeFile(certPath, pems.cert);
  return {
    key: pems.private,
    cert: pems.cert,
    certPath,
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
}
