/**
 * The part of redlock@5.0.0-beta.2 we use. Its package ships types only at `dist/index.d.ts`, which its `exports`
 * map does not reach; a tsconfig `paths` entry used to point there, but tsx applies `paths` at run time as well,
 * so `serve` loaded the declaration file (a class with no methods) instead of the library. Declared here instead.
 */
declare module 'redlock' {
  import { EventEmitter } from 'node:events';

  export interface Settings {
    driftFactor: number;
    retryCount: number;
    retryDelay: number;
    retryJitter: number;
    automaticExtensionThreshold: number;
  }

  export class Lock {
    readonly resources: string[];
    readonly value: string;
    readonly expiration: number;
    release(): Promise<unknown>;
    extend(duration: number): Promise<Lock>;
  }

  export default class Redlock extends EventEmitter {
    constructor(clients: Iterable<unknown>, settings?: Partial<Settings>);
    acquire(resources: string[], duration: number, settings?: Partial<Settings>): Promise<Lock>;
    release(lock: Lock, settings?: Partial<Settings>): Promise<unknown>;
    quit(): Promise<void>;
  }
}
