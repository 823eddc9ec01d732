/** Coin volumes are kept to 8 decimals, as exchanges do; floating-point noise goes with it. */
export function roundVolume(volume: number): number {
  return Math.round(volume * 1e8) / 1e8;
}

/** KRW amounts are kept to 2 decimals. */
export function roundKrw(amount: number): number {
  return Math.round(amount * 100) / 100;
}
