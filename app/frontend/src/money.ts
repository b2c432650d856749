/** Money helpers. Prices travel as decimal strings ("12.50"); we compute in integer cents. */

export const CURRENCY_SYMBOL = "€";

const DECIMAL = /^(\d+)(?:\.(\d{1,2}))?$/;

/** "12.5" -> 1250. Anything that is not a non-negative decimal with at most 2 places -> NaN. */
export function toCents(price: string): number {
  const match = DECIMAL.exec(price.trim());
  if (!match) {
    return Number.NaN;
  }
  const whole = match[1] ?? "0";
  const fraction = (match[2] ?? "").padEnd(2, "0");
  return Number(whole) * 100 + Number(fraction);
}

export function formatCents(cents: number): string {
  if (!Number.isFinite(cents)) {
    return "—";
  }
  const sign = cents < 0 ? "-" : "";
  const abs = Math.abs(Math.round(cents));
  const whole = Math.floor(abs / 100);
  const fraction = String(abs % 100).padStart(2, "0");
  return `${sign}${CURRENCY_SYMBOL}${whole}.${fraction}`;
}

/** "12.50" -> "€12.50" */
export function formatPrice(price: string): string {
  return formatCents(toCents(price));
}

export function lineTotalCents(price: string, quantity: number): number {
  return toCents(price) * quantity;
}
