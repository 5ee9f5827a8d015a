/**
 * Canonical resource paths and absolute `uri` values, as RingCentral writes them: the public base URL plus
 * the path with real ids (never `~`), e.g. https://platform.ringcentral.com/restapi/v1.0/account/400…/extension/62….
 */
export class RcLinks {
  private readonly base: string;

  constructor(
    publicUrl: string,
    readonly accountId: string,
  ) {
    this.base = publicUrl.replace(/\/+$/, '');
  }

  /** Absolute URI of a path. */
  uri(path: string): string {
    return this.base + path;
  }

  accountPath(): string {
    return `/restapi/v1.0/account/${this.accountId}`;
  }

  extensionsPath(): string {
    return `${this.accountPath()}/extension`;
  }

  extensionPath(extensionId: number): string {
    return `${this.extensionsPath()}/${extensionId}`;
  }

  devicePath(deviceId: string): string {
    return `${this.accountPath()}/device/${deviceId}`;
  }

  callQueuesPath(): string {
    return `${this.accountPath()}/call-queues`;
  }

  callQueuePath(queueId: number): string {
    return `${this.callQueuesPath()}/${queueId}`;
  }
}
