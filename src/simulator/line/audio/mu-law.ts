/** G.711 mu-law lives with the product's media code; the simulator uses the same implementation. */
export * from '../../../media/mu-law.ts';
