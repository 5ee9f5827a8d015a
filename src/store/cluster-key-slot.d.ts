/** cluster-key-slot ships no types: the CRC16 slot (0–16383) of a key, honouring hash tags. */
declare module 'cluster-key-slot' {
  export default function calculateSlot(key: string | Buffer): number;
}
