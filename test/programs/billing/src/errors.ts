/** The billing service's errors: each carries what a reader needs to act on it, beyond its message. */
export class CardDeclinedError extends Error {
  constructor(
    readonly amount: number,
    readonly code: string,
  ) {
    super(`card declined for ${amount}`);
    this.name = 'CardDeclinedError';
  }
}

export class GatewayError extends Error {
  constructor(
    readonly status: number,
    readonly apiKey: string,
    options: ErrorOptions,
  ) {
    super(`gateway answered ${status}`, options);
    this.name = 'GatewayError';
  }
}

export class PaymentFailedError extends Error {
  constructor(
    readonly userId: number,
    options: ErrorOptions,
  ) {
    super(`payment for user ${userId} failed`, options);
    this.name = 'PaymentFailedError';
  }
}
